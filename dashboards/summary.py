"""The analytics table behind the dashboards' breakdowns and daily chart (DHIS2's approach).

Counting 8.4 million enrollments by occupation on every page view would take seconds; instead
`refresh_dashboards` (every few minutes, from cron or a timer) counts each campaign once per
district and adds the districts up into regencies and provinces, and the pages read a few rows.
A campaign small enough to count in a blink is refreshed by the page itself when its rows are stale.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections import defaultdict
from itertools import pairwise

from dateutil.relativedelta import relativedelta
from django.db import connection, transaction
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, Value, When
from django.db.models.expressions import Combinable
from django.db.models.functions import Cast, Coalesce, Left, TruncDate
from django.utils import timezone

from campaigns.models import Campaign
from enrollment.lapse import state_expression
from enrollment.models import COVER_ENDED, Enrollment, overlapping_others
from regions.codes import LENGTH_BY_LEVEL

from .models import Breakdown, BreakdownRefresh

MAX_AGE = dt.timedelta(minutes=10)  # the oldest breakdowns a page may show
DAYS_CHARTED = 90
# Campaigns with fewer enrollments than this are recounted by the page that finds them stale.
COUNTED_ON_VIEW = 20_000
# Age bands by upper bound (exclusive): under 15 (too young for most campaigns), 15-24, ..., 55 and over.
AGE_BOUNDS = (15, 25, 35, 45, 55)


def years_before(on: dt.date, years: int) -> dt.date:
    """The same date `years` earlier (28 February for a 29 February)."""
    return on - relativedelta(years=years)


ABOVE_VILLAGES = [LENGTH_BY_LEVEL[level] for level in (1, 2, 3)]  # province, regency, district


def age_band(on: dt.date) -> Case:
    """An expression giving the worker's age band on `on` ("25-34"), from the birth date."""
    labels = ["<15", *(f"{low}-{high - 1}" for low, high in pairwise(AGE_BOUNDS))]
    whens = [
        When(worker__birth_date__gt=years_before(on, upper), then=Value(label))
        for upper, label in zip(AGE_BOUNDS, labels, strict=True)
    ]
    return Case(*whens, default=Value(f"{AGE_BOUNDS[-1]}+"), output_field=CharField())


OVERLAPPING = "overlap"


def coverage_state(today: dt.date) -> Case:
    """An expression giving an active enrollment's contribution state on `today` (enrollment.lapse),
    or COVER_ENDED once its cover is over (Enrollment.shown_status: not counted as paid up)."""
    return Case(When(coverage_ends__lte=today, then=Value(COVER_ENDED)), default=state_expression(today))


def dimension_values(today: dt.date) -> dict[str, Combinable]:
    """What each breakdown groups the enrollments by."""
    return {
        Breakdown.Dimension.OCCUPATION: F("occupation"),
        Breakdown.Dimension.SEX: F("worker__sex"),
        Breakdown.Dimension.AGE: age_band(today),
        Breakdown.Dimension.FUNDING: Coalesce(F("funding_source__kind"), Value("none")),
        Breakdown.Dimension.DAY: Cast(TruncDate("entered_at"), CharField()),
        Breakdown.Dimension.SOURCE: Coalesce(Cast("funding_source_id", CharField()), Value("none")),
        Breakdown.Dimension.COVERAGE: coverage_state(today),
        Breakdown.Dimension.OVERLAP: Case(
            When(Exists(overlapping_others()), then=Value(OVERLAPPING)),
            default=Value("none"),
            output_field=CharField(),
        ),
    }


def counted(dimension: str, today: dt.date) -> Q:
    """Which enrollments a breakdown counts: every entry of the last 90 days for the daily chart, the
    workers holding a slot for the others."""
    if dimension == Breakdown.Dimension.DAY:
        return Q(entered_at__date__gt=today - dt.timedelta(days=DAYS_CHARTED))
    if dimension == Breakdown.Dimension.COVERAGE:  # the active workers: contributions due, or cover ended
        return Q(status=Enrollment.Status.ACTIVE)
    return Q(status__in=Enrollment.SLOT_HOLDING)


def refresh(campaign: Campaign, now: dt.datetime | None = None) -> BreakdownRefresh:
    """Recount one campaign's breakdowns per district, regency and province, and swap them in."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    started = time.monotonic()
    per_region: dict[tuple[str, str, str], int] = defaultdict(int)
    enrollments = Enrollment.objects.filter(campaign=campaign).order_by()
    for dimension, value in dimension_values(today).items():
        rows = (
            enrollments.filter(counted(dimension, today))
            .values_list(Left("village__code", LENGTH_BY_LEVEL[3]), value)
            .annotate(n=Count("pk"))
        )
        for district, label, n in rows.iterator():
            for length in ABOVE_VILLAGES:  # the district, and its regency and province
                per_region[(district[:length], dimension, str(label))] += n
    with transaction.atomic():
        Breakdown.objects.filter(campaign=campaign).delete()
        _insert(campaign, per_region)
        stamp, _ = BreakdownRefresh.objects.update_or_create(
            campaign=campaign, defaults={"refreshed_at": now, "seconds": time.monotonic() - started}
        )
    return stamp


def _insert(campaign: Campaign, per_region: dict[tuple[str, str, str], int]) -> None:
    """Write the rows. A national campaign has some 700,000 (a day's entries per district for 90
    days): bulk_create took 25 s of a refresh, PostgreSQL's COPY takes about 2."""
    if connection.vendor != "postgresql":
        Breakdown.objects.bulk_create(
            (
                Breakdown(campaign=campaign, region_code=code, dimension=dimension, value=label, count=n)
                for (code, dimension, label), n in per_region.items()
            ),
            batch_size=5000,
        )
        return
    buffer = io.StringIO()
    for (code, dimension, label), n in per_region.items():
        buffer.write(f"{campaign.pk}\t{code}\t{dimension}\t{label}\t{n}\n")
    buffer.seek(0)
    table = Breakdown._meta.db_table
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} (campaign_id, region_code, dimension, value, count) FROM STDIN", buffer
        )


def campaigns_to_refresh():
    """Active campaigns, and closed ones whose last count is older than their closing."""
    stamps = BreakdownRefresh.objects.filter(campaign=OuterRef("pk"), refreshed_at__gt=OuterRef("closed_at"))
    return Campaign.objects.filter(
        Q(status=Campaign.Status.ACTIVE) | Q(status=Campaign.Status.CLOSED) & ~Exists(stamps)
    ).order_by("pk")


def fresh_as_of(campaign: Campaign) -> dt.datetime | None:
    """When the campaign's breakdowns were counted; a small campaign found stale is recounted now."""
    stamp = BreakdownRefresh.objects.filter(campaign=campaign).first()
    if stamp is None or timezone.now() - stamp.refreshed_at > MAX_AGE:
        # Counted up to the threshold only: summing a national campaign's 83,762 quotas to learn it
        # is large cost 20 ms of every view while the breakdowns waited for their job (issue 25).
        enrollments = Enrollment.objects.filter(campaign=campaign).order_by().values("pk")[:COUNTED_ON_VIEW]
        if enrollments.count() < COUNTED_ON_VIEW:
            stamp = refresh(campaign)
    return stamp.refreshed_at if stamp else None
