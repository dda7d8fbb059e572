"""Home pages with the numbers each user starts the day with."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from billing import arrears
from billing.models import Payer
from campaigns.models import Campaign, Quota, QuotaSums
from config.db_router import reads_from_replica
from config.requests import AuthenticatedHttpRequest
from enrollment.models import Enrollment
from targeting.models import TargetPerson

from . import rollups

WORKLIST_SHOWN = 3  # the first people of the worklist on the agent's home; the rest on the worklist
COUNT_CAP = 1000  # "1,000+": a count beyond which the number no longer changes what one does


@login_required
@reads_from_replica
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    context = {"regions": user.regions.select_related("parent").order_by("code")}
    if user.is_agent:
        context |= _agent_numbers(user)
    elif user.acts_as_official:
        context |= _official_numbers(user)
    return render(request, "home.html", context)


def _agent_numbers(user) -> dict:
    """Each village's slots in the open campaigns, and the agent's own entries."""
    today = timezone.localdate()
    quotas = list(
        Quota.objects.for_user(user)
        .filter(campaign__in=Campaign.objects.for_user(user).active())
        .select_related("campaign", "village")
    )
    for quota in quotas:  # a campaign not open yet, or a signed list: said here, and no button
        quota.entry_problem = quota.campaign.entry_problem(today) or (quota.unlocked_for(user).reason)
    week_start = today - dt.timedelta(days=today.weekday())
    mine = Enrollment.objects.filter(entered_by=user).aggregate(
        today=Count("pk", filter=Q(entered_at__date=today)),
        week=Count("pk", filter=Q(entered_at__date__gte=week_start)),
        correctable=Count("pk", filter=Q(status__in=Enrollment.CORRECTABLE, erasure__isnull=True)),
        rejected=Count(
            "pk",
            filter=Q(status=Enrollment.Status.REJECTED, closed_at__date__gte=today - dt.timedelta(days=30)),
        ),
    )
    # The agent's own entries in the list, to narrow by status ("&status=registered")
    mine_url = f"{reverse('enrollment:enrollment_list')}?{urlencode({'entered_by': user.username})}"
    to_reach = TargetPerson.objects.for_user(user).worklist().filter(outcome=None)
    worklist = {"first": list(to_reach[:WORKLIST_SHOWN]), "count": to_reach.count()}
    return {
        "quotas": quotas,
        "mine": mine,
        "mine_url": mine_url,
        "worklist": worklist,
        **_behind(user, today),
    }


def _behind(user, today: dt.date) -> dict:
    """Active workers in the user's area with months unpaid, counted up to COUNT_CAP: whom to chase."""
    behind = Enrollment.objects.for_user_by_villages(user).behind(today).order_by()  # counted, not sorted
    return {"behind": behind[: COUNT_CAP + 1].count(), "count_cap": COUNT_CAP}


def _official_numbers(user) -> dict:
    """Open campaigns in reach with their progress there (and the last ones closed), what waits for
    review in the open ones, the villages most behind and coverage ending soon; every number from the
    quota counters but the last, which is counted up to COUNT_CAP."""
    campaigns = list(
        Campaign.objects.for_user(user).exclude(status=Campaign.Status.CLOSED).order_by("-starts_on", "name")
    )
    # The last campaigns closed, with their final figures: what a regency accounts for afterwards.
    closed = list(
        Campaign.objects.for_user(user).filter(status=Campaign.Status.CLOSED).order_by("-ends_on", "name")[:3]
    )
    quotas = Quota.objects.for_user(user).filter(campaign__in=[c.pk for c in campaigns + closed])
    sums = quotas.sums_by_campaign()
    for campaign in campaigns + closed:
        campaign.progress = rollups.Row.summing(sums.get(campaign.pk, QuotaSums()))
    waiting = [sums.get(campaign.pk, QuotaSums()) for campaign in campaigns]
    today = timezone.localdate()
    ending = Enrollment.objects.for_user(user).due_for_renewal(today)
    return {
        "campaigns": campaigns,
        "closed": closed,
        "to_verify": sum(s.registered_count for s in waiting),
        "to_activate": sum(s.verified_count for s in waiting),
        "lagging": quotas.filter(campaign__status=Campaign.Status.ACTIVE)
        .select_related("campaign")
        .lagging(50, limit=5),
        "ending": ending[: COUNT_CAP + 1].count(),
        "arrears": arrears.summary(Payer.objects.for_user(user)),
        **_behind(user, today),
    }
