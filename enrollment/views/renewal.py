"""Cover that ends: the renewal list and renewing one worker or a page of them."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import official_required
from campaigns.models import Campaign
from config.db_router import reads_from_replica
from config.forms import parse_ids
from config.pagination import CappedPaginator
from config.requests import AuthenticatedHttpRequest

from .. import services
from ..models import COVER_ENDED, RENEW_WITHIN_DAYS, Enrollment
from ..renewal import renewal_options
from .common import PER_PAGE, back_to, enrollment_for_user


@official_required
@reads_from_replica
def expiring_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Active coverage that ends in the next 30 days or has ended, to renew into a later campaign."""
    enrollments = (
        Enrollment.objects.for_user(request.user)
        .due_for_renewal(timezone.localdate())
        .select_related("worker", "village", "campaign")
        .order_by("coverage_ends", "pk")
    )
    # A village (or district) at a time, to renew all of it with "select every row".
    region = request.GET.get("region", "").strip()[:13]
    if region:
        enrollments = enrollments.filter(village__code__startswith=region)
    page = CappedPaginator(enrollments, PER_PAGE).get_page(request.GET.get("page"))
    # The campaigns each row can renew into, for the whole page in one query.
    context = {
        "page": page,
        "days": RENEW_WITHIN_DAYS,
        "ended": COVER_ENDED,
        "targets": renewal_options(request.user, page),
        "region": region,
    }
    return render(request, "enrollment/expiring_list.html", context)


@official_required
@require_POST
def renew_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Renew the ticked workers into one campaign, each in its own transaction so one refusal (a full
    village, no quota there, already renewed) stops none; the report names who was not renewed, and why."""
    chosen = parse_ids([request.POST.get("campaign", "")])
    campaign = Campaign.objects.for_user(request.user).active().filter(pk__in=chosen).first()
    if campaign is None:
        messages.error(request, _("Choose an active campaign with a quota in this village."))
        return back_to(request, reverse("enrollment:expiring_list"))
    ids = parse_ids(request.POST.getlist("selected"))
    enrollments = (
        Enrollment.objects.for_user(request.user).filter(pk__in=ids).select_related("village", "worker")
    )
    renewed, refused = services.enrollment_renew_many(
        enrollments=enrollments.order_by("pk"), campaign=campaign, by=request.user
    )
    for enrollment, reason in refused:
        messages.error(request, f"{enrollment.display_name}: {reason}")
    names = [enrollment.display_name for enrollment in renewed]
    messages.success(
        request,
        ngettext(
            "%(count)s worker renewed into %(campaign)s: %(names)s.",
            "%(count)s workers renewed into %(campaign)s: %(names)s.",
            len(names),
        )
        % {"count": len(names), "campaign": campaign.name, "names": ", ".join(names) or "-"},
    )
    return back_to(request, reverse("enrollment:expiring_list"))


@official_required
@require_POST
def enrollment_renew(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = enrollment_for_user(request, pk)
    chosen = parse_ids([request.POST.get("campaign", "")])
    campaign = Campaign.objects.for_user(request.user).active().filter(pk__in=chosen).first()
    if campaign is None:
        messages.error(request, _("Choose an active campaign with a quota in this village."))
    else:
        try:
            services.enrollment_renew(enrollment=enrollment, campaign=campaign, by=request.user)
        except services.EnrollmentError as refused:
            messages.error(request, f"{enrollment.display_name}: {refused}")  # named, as in the bulk renewal
        else:
            messages.success(request, _("Renewed: a new enrollment is registered."))
    return redirect("enrollment:expiring_list")
