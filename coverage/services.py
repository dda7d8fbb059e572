"""Months paid: which are due (an area's month, a file's lines), and `paid_through` following them.

The months themselves are recorded by billing, as a payer's payment settling bill lines (one
bookkeeping); this module says what is due and moves `paid_through` with a few UPDATEs, not one per
worker, because a regency pays a month for 20,000 workers at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, month_of
from config.uploads import LineProblems, csv_lines
from enrollment.models import Enrollment, add_months
from enrollment.nik import nik_digits
from regions.models import Region

from .models import Contribution

BATCH = 5000


class CoverageError(Exception):
    """A coverage action the rules refuse; the message is for the user."""


@dataclass
class MonthsDue:
    """What paying a month for an area (or a file's months) does or did: how many worker-months and
    how much, and how many were paid already. Recorded as a payer's payment by billing.paying."""

    month: dt.date | None  # None: the months of a file
    to_pay: int = 0
    amount: int = 0
    already_paid: int = 0
    # A file's worker-months to pay, enrollment ids by month (an area's month is `month_due`'s queryset).
    months: dict[dt.date, list[int]] = field(default_factory=dict)


def covered_in(enrollments: QuerySet[Enrollment], month: dt.date) -> QuerySet[Enrollment]:
    """Active enrollments whose coverage includes `month` (from its start month, for the campaign's months)."""
    following = add_months(month, 1)
    return enrollments.filter(
        status=Enrollment.Status.ACTIVE, coverage_starts__lt=following, coverage_ends__gte=following
    )


def _in_area(*, campaign: Campaign, region: Region, by: User) -> QuerySet[Enrollment]:
    # The service checks reach itself: a CSV or a task calls here as the form does.
    if not (by.acts_as_official and by.reaches(region)):
        raise CoverageError(_("%(region)s is outside your area.") % {"region": region.display_name})
    return Enrollment.objects.for_user(by).filter(campaign=campaign, village__code__startswith=region.code)


def _check_month(campaign: Campaign, month: dt.date) -> dt.date:
    month = month_of(month)
    if month > add_months(month_of(timezone.localdate()), 1):
        raise CoverageError(_("Record payments for months that have come, or the next one."))
    if month < month_of(campaign.starts_on):
        raise CoverageError(
            _("The campaign starts in %(month)s.")
            % {"month": date_format(campaign.starts_on, "YEAR_MONTH_FORMAT")}
        )
    return month


def month_due(
    *, campaign: Campaign, region: Region, month: dt.date, by: User
) -> tuple[dt.date, QuerySet[Enrollment], MonthsDue]:
    """The month checked, the area's enrollments covered that month and not yet paid for it, and the
    MonthsDue that counts those who paid it already."""
    month = _check_month(campaign, month)
    covered = covered_in(_in_area(campaign=campaign, region=region, by=by), month)
    paid = Exists(Contribution.objects.filter(enrollment=OuterRef("pk"), month=month))
    return month, covered.exclude(paid), MonthsDue(month=month, already_paid=covered.filter(paid).count())


def month_preview(*, campaign: Campaign, region: Region, month: dt.date, by: User) -> MonthsDue:
    """What recording `month` for the area would do, with the rate in force for each funding kind."""
    month, due, payment = month_due(campaign=campaign, region=region, month=month, by=by)
    for kind, count in _due_by_kind(due):
        payment.to_pay += count
        payment.amount += count * campaign.rate_for(month, kind)
    return payment


def _due_by_kind(enrollments: QuerySet[Enrollment]) -> list[tuple[str | None, int]]:
    """How many are due per funding kind (None: no source named): the rate may differ by kind."""
    return list(enrollments.order_by().values_list("funding_source__kind").annotate(n=Count("pk")))


def move_paid_through(enrollments: QuerySet[Enrollment], month: dt.date) -> None:
    """Move `paid_through` on for the enrollments just paid for `month` (by id: a filter by area
    made the UPDATE re-join the regions, 1.4 s for a regency) when it is the month right after it,
    then on through any later months already paid (a late payment closing a gap catches up at once)."""
    while True:
        following = Contribution.objects.filter(enrollment=OuterRef("pk"), month=month)
        moved = (
            enrollments.filter(paid_through=add_months(month, -1))
            .filter(Exists(following))
            .update(paid_through=month)
        )
        if not moved:
            return
        month = add_months(month, 1)


def contributions_remove(contributions: QuerySet[Contribution]) -> int:
    """Delete months recorded in error (a payment undone): each worker's `paid_through` goes back to
    the month before the first month removed, where it had moved past it."""
    first = dict(
        contributions.order_by()
        .values("enrollment_id")
        .annotate(m=Min("month"))
        .values_list("enrollment_id", "m")
    )
    removed, _kinds = contributions.delete()
    by_month: dict[dt.date, list[int]] = {}
    for enrollment_id, month in first.items():
        by_month.setdefault(month, []).append(enrollment_id)
    for month, ids in by_month.items():
        for start in range(0, len(ids), BATCH):
            Enrollment.objects.filter(pk__in=ids[start : start + BATCH], paid_through__gte=month).update(
                paid_through=add_months(month, -1)
            )
    return removed


class PaymentFileError(CoverageError):
    """A payments file with problems: nothing was recorded; the problems are by line."""

    def __init__(self, problems: LineProblems):
        self.problems = problems
        super().__init__(_("Nothing was recorded: correct these lines and upload the file again."))


def _month_in(text: str) -> dt.date | None:
    for pattern in ("%Y-%m", "%Y-%m-%d", "%m/%Y", "%d/%m/%Y"):
        try:
            return month_of(dt.datetime.strptime(text, pattern).date())
        except ValueError:
            continue
    return None


def months_in_file(*, campaign: Campaign, text: str, by: User) -> MonthsDue:
    """The months of a CSV of `NIK,month` lines (2026-03 or 03/2026), as a branch office or a village
    treasurer sends them: every line is checked first, and one bad line is a PaymentFileError naming
    it. A month already paid is counted and left out; a line twice in the file counts once."""
    if not by.acts_as_official:
        raise CoverageError(_("Only officials record payments."))
    problems, wanted = LineProblems(), []
    for line, cells in csv_lines(text):
        if isinstance(cells, Exception) or not any(cells):
            if isinstance(cells, Exception):
                problems.add(line, _("the line cannot be read"))
            continue
        if line == 1 and cells[0].lower() == "nik":
            continue  # a header
        nik, month = nik_digits(cells[0]), _month_in(cells[1]) if len(cells) > 1 else None
        if len(nik) != 16 or not (nik.isascii() and nik.isdigit()):
            problems.add(line, _("%(value)s is not a NIK of 16 digits") % {"value": cells[0][:30]})
        elif month is None:
            problems.add(line, _("write the month as 2026-03"))
        elif month > add_months(month_of(timezone.localdate()), 1):
            problems.add(line, _("record payments for months that have come, or the next one"))
        else:
            wanted.append((line, nik, month))
    actives = {
        row["worker__nik"]: row
        for row in Enrollment.objects.for_user(by)
        .filter(
            campaign=campaign, status=Enrollment.Status.ACTIVE, worker__nik__in={nik for _, nik, _ in wanted}
        )
        .values("pk", "worker__nik", "funding_source__kind", "coverage_starts", "coverage_ends")
    }
    ids = [row["pk"] for row in actives.values()]
    paid = set(Contribution.objects.filter(enrollment_id__in=ids).values_list("enrollment_id", "month"))
    due = MonthsDue(month=None)
    for line, nik, month in wanted:
        row = actives.get(nik)
        if row is None:
            problems.add(line, _("no active worker of this campaign in your area has this NIK"))
        elif not month_of(row["coverage_starts"]) <= month < month_of(row["coverage_ends"]):
            problems.add(
                line,
                _("the worker is not covered in %(month)s")
                % {"month": date_format(month, "YEAR_MONTH_FORMAT")},
            )
        elif (row["pk"], month) in paid:
            due.already_paid += 1
        else:
            paid.add((row["pk"], month))  # a line twice in the file is paid once
            due.months.setdefault(month, []).append(row["pk"])
            due.to_pay += 1
            due.amount += campaign.rate_for(month, row["funding_source__kind"])
    if problems:
        raise PaymentFileError(problems)
    return due
