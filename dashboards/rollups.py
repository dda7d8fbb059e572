"""Dashboard numbers: headline roll-ups from the quota counters, breakdowns from the analytics table.

Every headline number is a sum over quota rows (target, filled, baseline and one counter per status,
kept in the transaction of each change), grouped by a prefix of the village code: a province's
regencies are `Left(code, 5)`. No query here counts enrollments, except a single village's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.db.models.functions import Left

from campaigns.models import Campaign, Quota, QuotaQuerySet, QuotaSums
from enrollment.models import Enrollment
from regions.codes import LENGTH_BY_LEVEL
from regions.models import Region

from .models import Breakdown, WorkforceEstimate
from .summary import counted, dimension_values


@dataclass
class Row(QuotaSums):
    """One region's figures: a line of the table of child regions, or the headline of a dashboard."""

    code: str = ""
    name: str = ""
    workforce: int | None = None
    url: str = ""
    committed: int = 0  # what its filled slots commit of the budget (where the money went)

    @classmethod
    def summing(cls, sums: QuotaSums, **about: Any) -> Row:
        row = cls(**about)
        for name, value in sums.figures().items():
            setattr(row, name, value)
        return row

    @property
    def percent(self) -> float:
        return 100 * self.filled / self.target if self.target else 0.0

    @property
    def covered(self) -> int:
        """Covered now: those covered before the campaign and its active members."""
        return self.baseline + self.active_count

    @property
    def coverage_before(self) -> float | None:
        return 100 * self.baseline / self.workforce if self.workforce else None

    @property
    def coverage(self) -> float | None:
        return 100 * self.covered / self.workforce if self.workforce else None


def child_rows(quotas: QuotaQuerySet, child_length: int) -> list[Row]:
    """The quotas summed per child region (the code prefix of `child_length`), with names; one query
    for the sums and one for the names, however many children."""
    sums = (
        quotas.order_by()
        .annotate(child=Left("village__code", child_length))
        .values("child")
        .annotate(**Quota.rollup())
    )
    rows: dict[str, Row] = {}
    for entry in sums:
        rows[entry["child"]] = Row.summing(QuotaSums.of(entry))
    for region in Region.objects.filter(code__in=rows).only("code", "name", "kind"):
        rows[region.code].code, rows[region.code].name = region.code, region.display_name
    return [row for row in rows.values() if row.code]


def summed(rows: list[Row]) -> QuotaSums:
    return QuotaSums.total(rows)


def child_length(region: Region) -> int:
    return LENGTH_BY_LEVEL[region.level + 1]


def rows_for(quotas: QuotaQuerySet, codes: list[str]) -> list[Row]:
    """One row per code (the user's own regions, for those who do not reach a campaign's organizer)."""
    lengths = {len(code) for code in codes}
    if len(lengths) == 1:
        return [row for row in child_rows(quotas, lengths.pop()) if row.code in codes]
    rows: list[Row] = []
    for code in codes:  # regions of mixed levels: rare, and a handful of them
        sums = quotas.filter(village__code__startswith=code).totals()
        rows.extend(
            Row.summing(sums, code=r.code, name=r.display_name) for r in Region.objects.filter(code=code)
        )
    return rows


def with_workforce(rows: list[Row], within: list[str]) -> None:
    """Attach each row's estimated informal workforce, from the estimates recorded within `within`
    (region codes; empty for the whole country)."""
    estimates = WorkforceEstimate.objects.all()
    if within:
        prefix = Q()
        for code in within:
            prefix |= Q(region__code__startswith=code)
        estimates = estimates.filter(prefix)
    own = dict(estimates.values_list("region__code", "informal_workers"))
    total = workforce(own)
    # A headline over several regions (an official's own, not one region) adds up theirs, so that the
    # card and the table below it say the same (None when one of them has no estimate).
    of_within = [total.get(code) for code in within]
    together = sum(n for n in of_within if n is not None) if within and None not in of_within else None
    for row in rows:
        row.workforce = total.get(row.code) if row.code else together


def workforce(own: dict[str, int]) -> dict[str, int]:
    """Every region's estimate: its own where recorded, else the sum of its children's."""
    total = dict(own)
    for child_length, parent_length in ((13, 8), (8, 5), (5, 2)):
        sums: dict[str, int] = defaultdict(int)
        for code, count in total.items():
            if len(code) == child_length:
                sums[code[:parent_length]] += count
        for parent, count in sums.items():
            total.setdefault(parent, count)  # a region's own estimate wins over its children's sum
    return total


def breakdowns_for(campaign: Campaign, codes: list[str], today: dt.date) -> dict[str, dict[str, int]]:
    """Counts per dimension and value in the regions of `codes`: provinces, regencies and districts
    from the analytics table (one query), villages counted live from their few hundred enrollments."""
    result: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    villages = [code for code in codes if len(code) == LENGTH_BY_LEVEL[Region.Level.VILLAGE]]
    if areas := [code for code in codes if code not in villages]:
        counted_rows = Breakdown.objects.filter(campaign=campaign, region_code__in=areas)
        for dimension, value, count in counted_rows.values_list("dimension", "value", "count"):
            result[dimension][value] += count
    if villages:
        enrollments = Enrollment.objects.filter(campaign=campaign, village__code__in=villages).order_by()
        for dimension, expression in dimension_values(today).items():
            live = (
                enrollments.filter(counted(dimension, today)).values_list(expression).annotate(n=Count("pk"))
            )
            for label, n in live:
                result[dimension][str(label)] += n
    return result
