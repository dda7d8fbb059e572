"""Where the money went: what a campaign's enrollments commit, by funding source, region and month.

Committed is what the workers holding a slot (registered, verified, active) will cost for their whole
coverage: workers x monthly contribution x coverage months. Per region it comes from the quota
counters; per funding source from the analytics table (refreshed with the dashboards, and counted
live for a village); per month from the active workers' coverage dates.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext as _

from campaigns.models import Campaign, FundingSource
from enrollment.models import Enrollment, add_months
from regions.models import Region

from .models import Breakdown
from .rollups import breakdowns_for

NONE = "none"  # the analytics table's value for enrollments that name no funding source


@dataclass
class FundingRow:
    """One funding source of a campaign: what it pledged, and who it pays for in the area and overall."""

    name: str
    kind: str
    amount: int | None
    pledged: int | None  # workers the source pays for, when it says
    enrolled: int  # slot-holding workers naming this source, in the whole campaign
    in_area: int  # the same, in the area shown
    cost_per_worker: int

    @property
    def left(self) -> int | None:
        return None if self.pledged is None else self.pledged - self.enrolled

    @property
    def committed(self) -> int:
        return self.in_area * self.cost_per_worker

    @property
    def committed_overall(self) -> int:
        return self.enrolled * self.cost_per_worker


def _campaign_wide(campaign: Campaign, dimension: str) -> dict[str, int]:
    """A breakdown of the whole campaign: the sum of its province rows, read by their codes on the
    lookup index (a filter on the code's length read all 900,000 rows of a national campaign)."""
    provinces = Region.objects.filter(level=Region.Level.PROVINCE).values("code")
    rows = Breakdown.objects.filter(campaign=campaign, dimension=dimension, region_code__in=provinces)
    counts: dict[str, int] = defaultdict(int)
    for value, count in rows.values_list("value", "count"):
        counts[value] += count
    return counts


def funding_rows(campaign: Campaign, codes: list[str], today: dt.date) -> list[FundingRow]:
    """Every funding source of the campaign, and a row for the enrollments that name none."""
    in_area = breakdowns_for(campaign, codes, today).get(Breakdown.Dimension.SOURCE, {})
    overall = _campaign_wide(campaign, Breakdown.Dimension.SOURCE)
    rows = [
        FundingRow(
            name=source.name,
            kind=source.get_kind_display(),
            amount=source.amount,
            pledged=source.workers,
            enrolled=overall.get(str(source.pk), 0),
            in_area=in_area.get(str(source.pk), 0),
            cost_per_worker=campaign.cost_for(source.kind),
        )
        for source in FundingSource.objects.filter(campaign=campaign)
    ]
    if overall.get(NONE) or in_area.get(NONE):
        rows.append(
            FundingRow(
                name=_("No funding source named"),
                kind="",
                amount=None,
                pledged=None,
                enrolled=overall.get(NONE, 0),
                in_area=in_area.get(NONE, 0),
                cost_per_worker=campaign.cost_for(None),
            )
        )
    return rows


def _area_q(codes: list[str]) -> Q:
    where = Q()
    for code in codes:
        where |= Q(village__code__startswith=code)
    return where


@dataclass
class MonthRow:
    month: dt.date | str  # a label for the workers whose months are not known yet
    workers: int
    contribution: int


def committed_by_month(campaign: Campaign, codes: list[str]) -> tuple[list[MonthRow], int]:
    """Contributions due per calendar month for the active workers in the area, at the rate in force
    for each month and funding kind (each worker covered from the month of their coverage start for
    the campaign's months), and the slot holders not yet active, whose months are not known until
    BPJS activates them."""
    enrollments = Enrollment.objects.filter(_area_q(codes), campaign=campaign).order_by()
    cohorts = (
        enrollments.filter(status=Enrollment.Status.ACTIVE)
        .values_list(TruncMonth("coverage_starts"), "funding_source__kind")
        .annotate(n=Count("pk"))
    )
    workers: dict[dt.date, int] = defaultdict(int)
    due: dict[dt.date, int] = defaultdict(int)
    for start, kind, count in cohorts:
        first = start.replace(day=1) if isinstance(start, dt.date) else start.date().replace(day=1)
        for offset in range(campaign.coverage_months):
            month = add_months(first, offset)
            workers[month] += count
            due[month] += count * campaign.rate_for(month, kind)
    waiting = enrollments.filter(
        status__in=(Enrollment.Status.REGISTERED, Enrollment.Status.VERIFIED)
    ).count()
    rows = [
        MonthRow(month=month, workers=workers[month], contribution=due[month]) for month in sorted(workers)
    ]
    return rows, waiting
