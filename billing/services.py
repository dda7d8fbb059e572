"""Billing: who pays each worker, the monthly bills, and payments settling them oldest first.

One rule each: the payer of a worker-month (`derived_payer`, or a `PayerChange` from a month on), what a month's bill holds (`bills_issue`),
and how money settles bill lines (`plan`, used by the preview and by `settle` alike). A settled line
records its month as paid (coverage.Contribution) and `paid_through` moves as it always has
(coverage.services.move_paid_through): there is one bookkeeping of months paid.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, FundingSource, month_of
from coverage.models import Contribution
from coverage.services import contributions_remove, covered_in, move_paid_through
from enrollment.models import Enrollment
from regions.models import Region

from .models import Bill, BillLine, Payer, PayerChange, Payment, Settlement

BATCH = 5000


class BillingError(Exception):
    """A billing action the rules refuse; the message is for the user."""


# ---- payers ------------------------------------------------------------------------------------

# The kind of payer each funding kind makes, and whether each village pays its own (a village budget)
# or each worker (self-paid), rather than the campaign's organizer or the company for all.
PAYER_OF_FUNDING = {
    FundingSource.Kind.VILLAGE: Payer.Kind.VILLAGE,
    FundingSource.Kind.SELF: Payer.Kind.WORKER,
    FundingSource.Kind.CSR: Payer.Kind.COMPANY,
}


@dataclass(frozen=True)
class PayerKey:
    campaign_id: int
    source_id: int | None
    kind: str
    region_id: int
    worker_id: int | None

    @property
    def key(self) -> str:
        return Payer.key_for(self.campaign_id, self.source_id, self.region_id, self.worker_id)


def derived_payer(row: dict) -> PayerKey:
    """The payer an enrollment's funding source and village make (a row of `_due_rows`)."""
    kind = PAYER_OF_FUNDING.get(row["funding_source__kind"], Payer.Kind.REGION)
    local = kind in (Payer.Kind.VILLAGE, Payer.Kind.WORKER)
    return PayerKey(
        campaign_id=row["campaign_id"],
        source_id=row["funding_source_id"],
        kind=kind,
        region_id=row["village_id"] if local else row["campaign__organizer_id"],
        worker_id=row["worker_id"] if kind == Payer.Kind.WORKER else None,
    )


def _payer_name(
    key: PayerKey, row: dict, regions: dict[int, Region], sources: dict[int, FundingSource]
) -> str:
    region = regions[key.region_id].display_name
    if key.kind == Payer.Kind.VILLAGE:
        return _("Government of %(village)s") % {"village": region}
    if key.kind == Payer.Kind.WORKER:
        return _("%(name)s (self-paid), %(village)s") % {"name": row["full_name"], "village": region}
    if key.source_id:
        return sources[key.source_id].name
    return _("Government of %(region)s") % {"region": region}


def _payers(keys: dict[str, tuple[PayerKey, dict]]) -> dict[str, Payer]:
    """The payers of these keys, created where missing (one query to read, one to create)."""
    found = {p.key: p for p in Payer.objects.filter(key__in=keys)}
    missing = [k for k in keys if k not in found]
    if missing:
        regions = Region.objects.in_bulk({keys[k][0].region_id for k in missing})
        sources = FundingSource.objects.in_bulk({keys[k][0].source_id for k in missing} - {None})
        new = [
            Payer(
                campaign_id=key.campaign_id,
                funding_source_id=key.source_id,
                kind=key.kind,
                region_id=key.region_id,
                worker_id=key.worker_id,
                name=_payer_name(key, row, regions, sources)[:250],
                key=k,
            )
            for k in missing
            for key, row in [keys[k]]
        ]
        Payer.objects.bulk_create(new, ignore_conflicts=True)  # another issuer may have made one
        found |= {p.key: p for p in Payer.objects.filter(key__in=missing)}
    return found


def self_payer(enrollment: Enrollment) -> Payer:
    """The worker as their own payer (a worker who takes over their contributions), made if missing."""
    key = PayerKey(
        enrollment.campaign_id, None, Payer.Kind.WORKER, enrollment.village_id, enrollment.worker_id
    )
    row = {"full_name": enrollment.full_name}
    return _payers({key.key: (key, row)})[key.key]


def payer_change(*, enrollment: Enrollment, payer: Payer, starts: dt.date, by: User) -> PayerChange:
    """From `starts` on, `payer` pays this worker (a pledge that ends, a worker who takes over)."""
    if not (
        by.acts_as_official and by.reaches(enrollment.village) and payer.campaign_id == enrollment.campaign_id
    ):
        raise BillingError(_("You may not change this worker's payer."))
    change, _created = PayerChange.objects.update_or_create(
        enrollment=enrollment, starts=month_of(starts), defaults={"payer": payer, "by": by}
    )
    return change


# ---- bills -------------------------------------------------------------------------------------


def _rows(enrollments: QuerySet[Enrollment]) -> list[dict]:
    return [
        dict(row)
        for row in enrollments.values(
            "pk",
            "campaign_id",
            "campaign__organizer_id",
            "funding_source_id",
            "funding_source__kind",
            "village_id",
            "worker_id",
            "full_name",
        )
    ]


def due_in(enrollments: QuerySet[Enrollment], month: dt.date) -> QuerySet[Enrollment]:
    """Active enrollments covered in `month`, not paid for it and not on a bill in force for it."""
    paid = Contribution.objects.filter(enrollment=OuterRef("pk"), month=month)
    billed = BillLine.objects.filter(enrollment=OuterRef("pk"), month=month, bill__replaced_by__isnull=True)
    return covered_in(enrollments, month).exclude(Exists(paid)).exclude(Exists(billed))


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
    a second run issues only what the first did not."""
    month = month_of(month)
    # Issuers of one campaign take turns (the worker's run, an official's click, a month paid), so
    # that no worker-month is put on two bills.
    list(
        Campaign.objects.select_for_update()
        .filter(pk__in=campaigns.values("pk"))
        .order_by("pk")
        .values_list("pk")
    )
    due = due_in(enrollments if enrollments is not None else Enrollment.objects.all(), month)
    due = due.filter(campaign__in=campaigns)
    rows = _rows(due.order_by("pk"))
    changes = _changes_in_force({row["pk"] for row in rows}, month)
    keys: dict[str, tuple[PayerKey, dict]] = {}
    by_payer: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        if row["pk"] in changes:
            by_payer[f"pk:{changes[row['pk']]}"].append(row)
            continue
        key = derived_payer(row)
        keys.setdefault(key.key, (key, row))
        by_payer[key.key].append(row)
    ids = {k: p.pk for k, p in _payers(keys).items()} | {f"pk:{pk}": pk for pk in set(changes.values())}
    loaded = Payer.objects.select_related("campaign", "funding_source").in_bulk(set(ids.values()))
    payers = {k: loaded[pk] for k, pk in ids.items()}
    earlier = dict(  # a worker activated after the month's bill goes on a supplementary bill
        Bill.objects.filter(payer__in=payers.values(), month=month)
        .values("payer")
        .annotate(n=Count("pk"))
        .values_list("payer", "n")
    )
    bills = []
    for payer_key, payer_rows in by_payer.items():
        payer = payers[payer_key]
        campaign = payer.campaign
        kind = payer.funding_source.kind if payer.funding_source else None
        amount = campaign.rate_for(month, kind)
        bill = Bill.objects.create(
            payer=payer,
            month=month,
            number=bill_number(payer, month, earlier[payer.pk] + 1 if payer.pk in earlier else 0),
            due_on=month.replace(day=campaign.bill_due_day),
            total=amount * len(payer_rows),
            workers=len(payer_rows),
            issued_by=by,
        )
        BillLine.objects.bulk_create(
            [BillLine(bill=bill, enrollment_id=row["pk"], month=month, amount=amount) for row in payer_rows],
            batch_size=BATCH,
        )
        bills.append(bill)
    with_credit = set(Payer.objects.filter(pk__in=[bill.payer_id for bill in bills]).credits())
    for bill in bills:  # credit held from an overpayment settles the new bill at once
        if bill.payer_id in with_credit:
            settle(payer=bill.payer, by=by)
    return bills


@transaction.atomic
def bill_correct(*, bill: Bill, reason: str, by: User) -> Bill:
    """A new bill for the same payer and month that replaces `bill` (kept as it was): the worker-months
    the payer still owes or has paid, at the rate now in force. A worker no longer covered that month
    (cancelled, cover ended) or paid by another payer from that month is left out, and so billed to
    the right payer by the next run. Refused when nothing would change."""
    if not (by.acts_as_official and by.reaches(bill.payer.region)):
        raise BillingError(_("You may not correct this payer's bills."))
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
    moved = {pk for pk, payer_id in _changes_in_force(ids, bill.month).items() if payer_id != bill.payer_id}
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
        correction_reason=reason.strip()[:250], issued_by=by,
    )  # fmt: skip
    BillLine.objects.bulk_create(
        [BillLine(bill=corrected, enrollment_id=pk, month=bill.month, amount=amount) for pk, amount in kept]
    )
    return corrected


def _changes_in_force(enrollment_ids: set[int], month: dt.date) -> dict[int, int]:
    """For the enrollments with a change of payer in force in `month`: the payer's id."""
    latest: dict[int, tuple[dt.date, int]] = {}
    changes = PayerChange.objects.filter(enrollment_id__in=enrollment_ids, starts__lte=month)
    for enrollment_id, starts, payer_id in changes.values_list("enrollment_id", "starts", "payer_id"):
        if enrollment_id not in latest or starts > latest[enrollment_id][0]:
            latest[enrollment_id] = (starts, payer_id)
    return {enrollment_id: payer_id for enrollment_id, (_starts, payer_id) in latest.items()}


# ---- payments ----------------------------------------------------------------------------------


@dataclass
class Plan:
    """What money settles: the lines it pays (with the payment each is paid from), the lines that
    stay unpaid, and the credit left over for the next bill."""

    settled: list[tuple[BillLine, Payment | None]] = field(default_factory=list)
    unpaid: list[BillLine] = field(default_factory=list)
    credit: int = 0

    @property
    def settled_amount(self) -> int:
        return sum(line.amount for line, _payment in self.settled)

    @property
    def unpaid_amount(self) -> int:
        return sum(line.amount for line in self.unpaid)


@dataclass
class _Purse:
    payment: Payment | None
    left: int


def plan(lines: list[BillLine], money: list[tuple[Payment | None, int]]) -> Plan:
    """Settle `lines` (oldest first) from `money` (payments oldest first, with what each has left):
    whole worker-months only, a line paid from the payment its first rupiah comes from. Once a line
    cannot be paid, the lines after it are not paid either: the oldest debt goes first."""
    result = Plan()
    purses = [_Purse(payment, left) for payment, left in money if left > 0]
    available = sum(purse.left for purse in purses)
    for line in lines:
        if result.unpaid or line.amount > available:
            result.unpaid.append(line)
            continue
        result.settled.append((line, purses[0].payment))
        available -= line.amount
        owed = line.amount
        while owed:
            taken = min(owed, purses[0].left)
            purses[0].left -= taken
            owed -= taken
            if purses[0].left == 0:
                purses.pop(0)
    result.credit = available
    return result


def _open_lines(payer: Payer) -> list[BillLine]:
    return list(
        BillLine.objects.filter(bill__payer=payer).open().oldest_first().select_related("enrollment", "bill")
    )


def _money(payer: Payer) -> list[tuple[Payment | None, int]]:
    """The payer's payments oldest first, each with what it has not yet settled."""
    payments = list(payer.payments.order_by("paid_on", "pk").prefetch_related("settlements"))
    return [(p, p.amount - sum(s.amount for s in p.settlements.all())) for p in payments]


def payment_preview(*, payer: Payer, amount: int) -> Plan:
    """What recording a payment of `amount` would settle, and who would stay unpaid."""
    return plan(_open_lines(payer), [*_money(payer), (None, amount)])


def settle(*, payer: Payer, by: User | None) -> Plan:
    """Settle the payer's open lines from its unsettled money, recording each month paid."""
    return _record(plan(_open_lines(payer), _money(payer)), payer, by)


def settle_lines(*, payment: Payment, lines: list[BillLine], by: User) -> Plan:
    """Settle exactly these lines with this payment: the payer said which months it paid (a month for
    an area, a file of months), so these are paid, not its oldest."""
    return _record(plan(lines, [(payment, payment.amount)]), payment.payer, by)


def _record(done: Plan, payer: Payer, by: User | None) -> Plan:
    """Record the months a plan settles: a Contribution and a Settlement per line, paid_through moved."""
    contributions = []
    for line, payment in done.settled:
        assert payment is not None  # only recorded money is settled
        contributions.append(
            Contribution(
                enrollment_id=line.enrollment_id,
                month=line.month,
                amount=line.amount,
                funding_source_id=payer.funding_source_id,
                paid_on=payment.paid_on,
                recorded_by=by or payment.recorded_by,  # the background worker: who recorded the money
            )
        )
    Contribution.objects.bulk_create(contributions, batch_size=BATCH)
    Settlement.objects.bulk_create(
        [
            Settlement(payment=payment, line=line, contribution=contribution, amount=line.amount)
            for (line, payment), contribution in zip(done.settled, contributions, strict=True)
        ],
        batch_size=BATCH,
    )
    months: dict[dt.date, list[int]] = defaultdict(list)
    for line, _payment in done.settled:
        months[line.month].append(line.enrollment_id)
    for month in sorted(months):
        move_paid_through(Enrollment.objects.filter(pk__in=months[month]), month)
    return done


def payment_record(
    *, payer: Payer, channel: str, reference: str, amount: int, paid_on: dt.date, by: User, proof=None
) -> tuple[Payment, Plan]:
    """Record a payer's payment and settle its open bill lines with it (and any credit it had)."""
    if not (by.acts_as_official and by.reaches(payer.region)):
        raise BillingError(_("You may not record payments for this payer."))
    reference = reference.strip()
    if taken := reference_taken(channel, reference):
        raise BillingError(taken)
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                payer=payer, channel=channel, reference=reference, amount=amount, paid_on=paid_on,
                proof=proof or "", recorded_by=by,
            )  # fmt: skip
            return payment, settle(payer=payer, by=by)
    except IntegrityError:  # recorded at the same moment by someone else
        existing = Payment.objects.filter(channel=channel, reference=reference).first()
        raise BillingError(_reference_taken(existing) if existing else _("Nothing was recorded.")) from None


@transaction.atomic
def payment_undo(*, payment: Payment, by: User, reason: str) -> None:
    """Delete a payment recorded in error (a statement undone the same day): the months it settled
    are unpaid again and its lines open, so the next payment settles them."""
    if not (by.acts_as_official and by.reaches(payment.payer.region)):
        raise BillingError(_("You may not change this payer's payments."))
    settlements = Settlement.objects.filter(payment=payment)
    contributions = Contribution.objects.filter(
        pk__in=list(settlements.values_list("contribution_id", flat=True))
    )
    settlements.delete()
    contributions_remove(contributions)
    payment._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]  # simple_history's reason
    payment.delete()


def reference_taken(channel: str, reference: str) -> str | None:
    """Why this reference cannot be recorded again, naming the payment that has it; None if free."""
    existing = (
        Payment.objects.filter(channel=channel, reference=reference.strip()).select_related("payer").first()
    )
    return _reference_taken(existing) if existing else None


def _reference_taken(payment: Payment) -> str:
    return _("Reference %(reference)s is recorded already: the payment of %(payer)s on %(date)s.") % {
        "reference": payment.reference,
        "payer": payment.payer.name,
        "date": date_format(payment.paid_on, "SHORT_DATE_FORMAT"),
    }
