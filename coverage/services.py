"""Recording contributions: a month paid for the active workers of an area, in bulk.

A regency pays a month for 20,000 workers at once, so the rows are written with bulk_create (one
statement per 5,000) and the workers' `paid_through` moves with a few UPDATEs, not one per worker.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Min, OuterRef, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, FundingSource, month_of
from config.uploads import LineProblems, csv_lines
from enrollment.models import Enrollment, add_months
from enrollment.nik import nik_digits
from regions.models import Region

from .models import Contribution

BATCH = 5000


class CoverageError(Exception):
    """A coverage action the rules refuse; the message is for the user."""


@dataclass
class Payment:
    """What paying a month for an area does (or did): how many workers and how much, and who is left out."""

    month: dt.date | None  # None: the months of a file
    to_pay: int = 0
    amount: int = 0
    already_paid: int = 0


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


def _month_due(*, campaign: Campaign, region: Region, month: dt.date, by: User):
    """The month checked, the area's enrollments covered that month and not yet paid for it, and the
    Payment that counts those who paid it already."""
    month = _check_month(campaign, month)
    covered = covered_in(_in_area(campaign=campaign, region=region, by=by), month)
    paid = Exists(Contribution.objects.filter(enrollment=OuterRef("pk"), month=month))
    return month, covered.exclude(paid), Payment(month=month, already_paid=covered.filter(paid).count())


def payment_preview(*, campaign: Campaign, region: Region, month: dt.date, by: User) -> Payment:
    """What recording `month` for the area would do, with the rate in force for each funding kind."""
    month, due, payment = _month_due(campaign=campaign, region=region, month=month, by=by)
    for kind, count in _due_by_kind(due):
        payment.to_pay += count
        payment.amount += count * campaign.rate_for(month, kind)
    return payment


def _due_by_kind(enrollments: QuerySet[Enrollment]) -> list[tuple[str | None, int]]:
    """How many are due per funding kind (None: no source named): the rate may differ by kind."""
    return list(enrollments.order_by().values_list("funding_source__kind").annotate(n=Count("pk")))


@contextmanager
def _recorded_once() -> Iterator[None]:
    """All or nothing, and a month recorded by someone else at the same moment (three officials
    clicking at once) is a message, not an error page: the database kept it once
    (coverage_contribution_once_a_month) and this recording is rolled back whole."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise CoverageError(
            _(
                "Someone recorded these payments at the same moment; they are recorded once. Look at the list again."
            )
        ) from None


@_recorded_once()
def contributions_record_month(
    *,
    campaign: Campaign,
    region: Region,
    month: dt.date,
    paid_on: dt.date,
    by: User,
    funding_source: FundingSource | None = None,
) -> Payment:
    """Record `month` as paid for every active enrollment of the campaign in `region` covered that
    month and not yet paid for it, at the rate in force for the month and each worker's funding kind
    (or `funding_source`'s, when one source paid for all). Months already paid are left alone."""
    if funding_source is not None and funding_source.campaign_id != campaign.pk:
        raise CoverageError(_("Choose a funding source of this campaign."))
    month, due, payment = _month_due(campaign=campaign, region=region, month=month, by=by)
    due = due.order_by().values_list("pk", "funding_source_id", "funding_source__kind")
    rows, paid_ids = [], []
    for pk, source_id, kind in due.iterator(chunk_size=BATCH):
        payer_id, payer_kind = (
            (funding_source.pk, funding_source.kind) if funding_source else (source_id, kind)
        )
        amount = campaign.rate_for(month, payer_kind)
        rows.append(
            Contribution(
                enrollment_id=pk,
                month=month,
                amount=amount,
                funding_source_id=payer_id,
                paid_on=paid_on,
                recorded_by=by,
            )
        )
        paid_ids.append(pk)
        payment.to_pay += 1
        payment.amount += amount
        if len(rows) == BATCH:
            Contribution.objects.bulk_create(rows)
            rows = []
    Contribution.objects.bulk_create(rows)
    for start in range(0, len(paid_ids), BATCH):
        move_paid_through(Enrollment.objects.filter(pk__in=paid_ids[start : start + BATCH]), month)
    return payment


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


@_recorded_once()
def contributions_record_file(*, campaign: Campaign, text: str, paid_on: dt.date, by: User) -> Payment:
    """Record the months of a CSV of `NIK,month` lines (2026-03 or 03/2026), as a branch office or a
    village treasurer sends them: every line is checked first, and one bad line records nothing.
    A month already paid is skipped and counted."""
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
        .values(
            "pk",
            "worker__nik",
            "funding_source_id",
            "funding_source__kind",
            "coverage_starts",
            "coverage_ends",
        )
    }
    ids = [row["pk"] for row in actives.values()]
    paid = set(Contribution.objects.filter(enrollment_id__in=ids).values_list("enrollment_id", "month"))
    payment, rows = Payment(month=None), []
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
            payment.already_paid += 1
        else:
            paid.add((row["pk"], month))  # a line twice in the file is paid once
            amount = campaign.rate_for(month, row["funding_source__kind"])
            rows.append(
                Contribution(
                    enrollment_id=row["pk"], month=month, amount=amount,
                    funding_source_id=row["funding_source_id"], paid_on=paid_on, recorded_by=by,
                )
            )  # fmt: skip
            payment.to_pay += 1
            payment.amount += amount
    if problems:
        raise PaymentFileError(problems)
    Contribution.objects.bulk_create(rows, batch_size=BATCH)
    for month in sorted({row.month for row in rows}):
        move_paid_through(
            Enrollment.objects.filter(pk__in=[r.enrollment_id for r in rows if r.month == month]), month
        )
    return payment
