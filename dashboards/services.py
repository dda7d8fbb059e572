"""Recording officials' estimates of the informal workforce, one region at a time or from a CSV."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from config.history import record_by
from config.uploads import LineProblems, csv_lines
from regions.models import Region

from .models import WorkforceEstimate

MAX_WORKFORCE = 50_000_000  # more informal workers than any province has: a typo


class EstimateError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


def workforce_estimate_set(
    *, region: Region, informal_workers: int, source: str, by: User
) -> WorkforceEstimate:
    """Record (or change) a region's estimate; the history keeps the earlier figure and who set it."""
    if not (by.acts_as_official and by.reaches(region)):
        raise EstimateError([_("%(region)s is outside your area.") % {"region": region.display_name}])
    estimate = WorkforceEstimate.objects.filter(region=region).first() or WorkforceEstimate(region=region)
    estimate.informal_workers, estimate.source, estimate.recorded_by = informal_workers, source, by
    record_by(estimate, by)
    estimate.save()
    return estimate


@dataclass
class _Line:
    line: int
    code: str
    workers: int
    source: str


@transaction.atomic
def workforce_import_csv(*, text: str, by: User) -> int:
    """Set estimates from `region_code,informal_workers[,source]` lines: all of them or, when any line
    is wrong, none. Returns how many were recorded."""
    problems, lines = LineProblems(), []
    for number, cells in csv_lines(text):
        if isinstance(cells, Exception) or not any(cells):
            if isinstance(cells, Exception):
                problems.add(number, _("this line cannot be read"))
            continue
        code, count, source = [*cells, "", ""][:3]
        if number == 1 and not count.isdigit():
            continue  # a header row
        if not (count.isascii() and count.isdigit() and len(count) <= 9 and int(count) <= MAX_WORKFORCE):
            problems.add(number, _("the number of informal workers must be a whole number"))
            continue
        lines.append(_Line(number, code, int(count), source[:200]))
    regions = {r.code: r for r in Region.objects.for_user(by).filter(code__in=[x.code for x in lines])}
    for item in lines:
        if item.code not in regions:
            problems.add(item.line, _("%(code)s is not a region in your area") % {"code": item.code[:20]})
    if problems:
        raise EstimateError(problems.messages())
    for item in lines:
        workforce_estimate_set(
            region=regions[item.code], informal_workers=item.workers, source=item.source, by=by
        )
    return len(lines)
