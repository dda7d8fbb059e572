"""A month's bills: one per payer, issued once and never changed; a correction replaces a bill.

`bills_issue` is written for the nation: a month's bills for 83,762 village payers and millions of
workers are a few statements (the payers grouped, the bills bulk-created, every line one
INSERT … SELECT), not millions of rows through Python (bench/RESULTS.md has its time).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, FundingSource, month_of
from coverage.models import Contribution
from coverage.services import covered_in
from enrollment.models import Enrollment

from .arrears import arrears_refresh
from .models import Bill, BillLine, Payer, PayerChange
from .services import BATCH, BillingError, PayerKey, _payers, refuse_unless, settle

# The kind of payer each funding kind makes: each village pays its own workers (a village budget),
# each self-paid worker their own; a company or the campaign's organizer pays for all of theirs.
PAYER_OF_FUNDING = {
    FundingSource.Kind.VILLAGE: Payer.Kind.VILLAGE,
    FundingSource.Kind.SELF: Payer.Kind.WORKER,
    FundingSource.Kind.CSR: Payer.Kind.COMPANY,
}
LOCAL = [FundingSource.Kind.VILLAGE, FundingSource.Kind.SELF]  # paid from the village itself


def due_in(enrollments: QuerySet[Enrollment], month: dt.date) -> QuerySet[Enrollment]:
    """Active enrollments covered in `month`, not paid for it and not on a bill in force for it."""
    paid = Contribution.objects.filter(enrollment=OuterRef("pk"), month=month)
    billed = BillLine.objects.filter(enrollment=OuterRef("pk"), month=month, bill__replaced_by__isnull=True)
    return covered_in(enrollments, month).exclude(Exists(paid)).exclude(Exists(billed))


def _text(expression) -> Cast:
    return Cast(expression, output_field=CharField())


def with_payer(enrollments: QuerySet[Enrollment], month: dt.date) -> QuerySet[Enrollment]:
    """Each enrollment with the payer of its `month`, in SQL: a change of payer in force
    (`changed_payer`), or else the payer its funding source and village make, by its key
    (`payer_key`, Payer.key_for's) and the parts of that key."""
    in_force = PayerChange.objects.filter(enrollment=OuterRef("pk"), starts__lte=month).order_by("-starts")
    region = Case(
        When(funding_source__kind__in=LOCAL, then=F("village_id")), default=F("campaign__organizer_id")
    )
    worker = Case(When(funding_source__kind=FundingSource.Kind.SELF, then=F("worker_id")), default=None)
    return enrollments.annotate(
        changed_payer=Subquery(in_force.values("payer_id")[:1]),
        payer_region=region,
        payer_worker=worker,
        payer_key=Concat(
            _text("campaign_id"), Value(":"), Coalesce(_text("funding_source_id"), Value("-")), Value(":"),
            _text(region), Value(":"), Coalesce(_text(worker), Value("-")),
            output_field=CharField(),
        ),
    )  # fmt: skip


def bill_number(payer: Payer, month: dt.date, correction: int = 0) -> str:
    number = f"TAG/{month:%Y%m}/{payer.pk:07d}"
    return f"{number}-{correction}" if correction else number


@transaction.atomic
def bills_issue(
    *,
    month: dt.date,
    campaigns: QuerySet[Campaign],
    by: User | None = None,
    enrollments: QuerySet[Enrollment] | None = None,
) -> list[Bill]:
    """Issue `month`'s bill to every payer of these campaigns with workers due that month and not yet
    billed (of `enrollments` only, when given): one bill per payer, its lines at the rate in force for
    the month and the payer's kind. Run by the background worker on the first of the month
    (`issue_bills`), by an official for their area, or before months are paid that were not billed;
    a second run issues only what the first did not (a worker activated since: a supplementary bill)."""
    month = month_of(month)
    bills: list[Bill] = []
    # Issuers of one campaign take turns (the worker's run, an official's click, a month paid), so
    # that no worker-month is put on two bills.
    for campaign in Campaign.objects.select_for_update().filter(pk__in=campaigns.values("pk")).order_by("pk"):
        base = enrollments if enrollments is not None else Enrollment.objects.all()
        due = with_payer(due_in(base.filter(campaign=campaign), month), month)
        bills += _issue(campaign, month, due, by)
    # The campaigns' payers holding credit: a read of their payments, not an IN of every new bill.
    with_credit = set(Payer.objects.filter(campaign__in=campaigns).credits())
    for bill in bills:  # credit held from an overpayment settles the new bill at once
        if bill.payer_id in with_credit:
            settle(payer=bill.payer, by=by)
    return bills


DUE_TABLE = "billing_due"  # a temporary table: this connection's own, dropped after each campaign


@contextmanager
def _snapshot(due: Any) -> Iterator[str]:
    """The due worker-months with their payers, written once into a temporary table: the bills are
    counted from it and their lines copied from it, so each bill holds exactly the lines it counts
    (and the costly "due" query runs once: 4.2 million rows for the nation). `due` is with_payer's
    annotated queryset (typed Any: the checker does not follow annotations)."""
    rows = due.values(
        line_enrollment=F("pk"), line_key=F("payer_key"), line_payer=F("changed_payer"),
        line_source=F("funding_source_id"), line_kind=F("funding_source__kind"), line_region=F("payer_region"),
        line_worker=F("payer_worker"),
        line_name=Case(When(funding_source__kind=FundingSource.Kind.SELF, then=F("full_name")), default=Value("")),
    )  # fmt: skip
    inner, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {DUE_TABLE} AS {inner}", params)
        yield DUE_TABLE
        # Dropped when all went well; after an error the transaction's rollback removes it (DDL is
        # transactional in PostgreSQL and SQLite), and a DROP would only hide the error.
        cursor.execute(f"DROP TABLE {DUE_TABLE}")


def _issue(campaign: Campaign, month: dt.date, due: Any, by: User | None) -> list[Bill]:
    with _snapshot(due) as table, connection.cursor() as cursor:
        cursor.execute(
            "SELECT line_key, line_payer, line_source, line_kind, line_region, line_worker, COUNT(*), "
            f"MAX(line_name) FROM {table} GROUP BY line_key, line_payer, line_source, line_kind, line_region, "
            "line_worker"
        )
        groups = cursor.fetchall()
        bills = _new_bills(campaign, month, groups, by)
        if bills:
            _copy_lines(table, month, min(b.pk for b in bills), max(b.pk for b in bills))
    return bills


def _new_bills(campaign: Campaign, month: dt.date, groups: list[tuple], by: User | None) -> list[Bill]:
    """One bill per payer of these groups (payer key, changed payer, its key's parts, workers, a name),
    the payers made where missing."""
    keys = {
        key: (
            PayerKey(campaign.pk, source, PAYER_OF_FUNDING.get(kind, Payer.Kind.REGION), region, worker),
            {"full_name": name},
        )
        for key, changed, source, kind, region, worker, _count, name in groups
        if changed is None
    }
    by_key = _payers(keys)
    workers: Counter[int] = Counter()
    for key, changed, *_parts, count, _name in groups:
        workers[changed or by_key[key].pk] += count
    if not workers:
        return []
    payers = Payer.objects.select_related("funding_source").in_bulk(list(workers))
    earlier = dict(
        Bill.objects.filter(payer__campaign=campaign, month=month).order_by().values("payer")
        .annotate(n=Count("pk")).values_list("payer", "n")
    )  # fmt: skip
    bills = []
    for payer_id, count in workers.items():
        payer = payers[payer_id]
        rate = campaign.rate_for(month, payer.funding_source.kind if payer.funding_source else None)
        bills.append(
            Bill(
                payer=payer, month=month, number=bill_number(payer, month, earlier[payer_id] + 1 if payer_id in earlier else 0),
                due_on=month.replace(day=campaign.bill_due_day), total=rate * count, workers=count, issued_by=by,
            )
        )  # fmt: skip
    return Bill.objects.bulk_create(bills, batch_size=BATCH)


def _copy_lines(table: str, month: dt.date, low: int, high: int) -> None:
    """Every due worker-month on its payer's new bill, in one INSERT … SELECT: the new bills are this
    run's ids (`low` to `high`; no other issuer runs for the campaign meanwhile), each line at its
    bill's rate (its total over its workers)."""
    day = connection.ops.adapt_datefield_value(month)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_billline (bill_id, enrollment_id, month, amount) "
            f"SELECT b.id, d.line_enrollment, %s, b.total / b.workers FROM {table} d "
            "LEFT JOIN billing_payer p ON p.key = d.line_key "
            "JOIN billing_bill b ON b.payer_id = COALESCE(d.line_payer, p.id) "
            "AND b.month = %s AND b.id BETWEEN %s AND %s",
            [day, day, low, high],
        )


@transaction.atomic
def bill_correct(*, bill: Bill, reason: str, by: User) -> Bill:
    """A new bill for the same payer and month that replaces `bill` (kept as it was): the worker-months
    the payer still owes or has paid, at the rate now in force. A worker no longer covered that month
    (cancelled, cover ended) or paid by another payer from that month is left out, and so billed to
    the right payer by the next run. Refused when nothing would change."""
    refuse_unless(bill.payer.can_keep_accounts(by))
    if not reason.strip():
        raise BillingError(_("Say why the bill is corrected."))
    bill = (
        Bill.objects.select_for_update(of=("self",))
        .select_related("payer__funding_source", "payer__campaign")
        .get(pk=bill.pk)
    )
    if newer := Bill.objects.filter(replaces=bill).first():
        raise BillingError(_("This bill was corrected already: %(number)s.") % {"number": newer.number})
    lines = list(bill.lines.order_by("pk"))
    ids = {line.enrollment_id for line in lines}
    covered = set(covered_in(Enrollment.objects.filter(pk__in=ids), bill.month).values_list("pk", flat=True))
    paid = set(
        Contribution.objects.filter(enrollment_id__in=ids, month=bill.month).values_list(
            "enrollment_id", flat=True
        )
    )
    # Who pays each of them that month now, by the rule the bills are issued by (a change of payer
    # in force, else the payer their funding source and village make).
    payers_now: Any = with_payer(Enrollment.objects.filter(pk__in=ids), bill.month)
    moved = {
        pk
        for pk, changed, key in payers_now.values_list("pk", "changed_payer", "payer_key")
        if not (changed == bill.payer_id if changed else key == bill.payer.key)
    }
    kind = bill.payer.funding_source.kind if bill.payer.funding_source else None
    rate = bill.payer.campaign.rate_for(bill.month, kind)
    kept = [
        (line.enrollment_id, line.amount if line.enrollment_id in paid else rate)
        for line in lines
        if line.enrollment_id in paid or (line.enrollment_id in covered and line.enrollment_id not in moved)
    ]
    if kept == [(line.enrollment_id, line.amount) for line in lines]:
        raise BillingError(
            _("This bill is still right: every worker on it is owed that month at the rate in force.")
        )
    issued = Bill.objects.filter(payer=bill.payer, month=bill.month).count()
    corrected = Bill.objects.create(
        payer=bill.payer, month=bill.month, number=bill_number(bill.payer, bill.month, issued + 1),
        due_on=bill.due_on, total=sum(amount for _pk, amount in kept), workers=len(kept), replaces=bill,
        paid=sum(amount for pk, amount in kept if pk in paid),
        correction_reason=reason.strip()[:250], issued_by=by,
    )  # fmt: skip
    BillLine.objects.bulk_create(
        [BillLine(bill=corrected, enrollment_id=pk, month=bill.month, amount=amount) for pk, amount in kept]
    )
    arrears_refresh(timezone.localdate(), [bill.payer_id])
    return corrected
