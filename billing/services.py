"""Billing: who pays each worker, the monthly bills, and payments settling them oldest first.

One rule each: who a payer is (`_payers`, made from the keys billing.bills derives), a change of
payer from a month on (`payer_change`), and how money settles bill lines (`plan`, used by the preview and by `settle` alike). A settled line
records its month as paid (coverage.Contribution) and `paid_through` moves as it always has
(coverage.services.move_paid_through): there is one bookkeeping of months paid.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import FundingSource, month_of
from config.verdicts import Verdict
from coverage.models import Contribution
from coverage.services import contributions_remove, move_paid_through
from enrollment.models import Enrollment
from regions.models import Region

from .arrears import arrears_refresh
from .models import Bill, BillLine, Payer, PayerChange, Payment, Settlement

BATCH = 5000


class BillingError(Exception):
    """A billing action the rules refuse; the message is for the user."""


# ---- payers ------------------------------------------------------------------------------------


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


def _found(keys: list[str]) -> dict[str, Payer]:
    """Payers by key, read in chunks (a month's bills name every village of the country)."""
    return {
        p.key: p
        for start in range(0, len(keys), BATCH)
        for p in Payer.objects.filter(key__in=keys[start : start + BATCH])
    }


def _payers(keys: dict[str, tuple[PayerKey, dict]]) -> dict[str, Payer]:
    """The payers of these keys, created where missing (a few queries to read, one to create)."""
    found = _found(list(keys))
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
        Payer.objects.bulk_create(
            new, ignore_conflicts=True, batch_size=BATCH
        )  # another issuer may have made one
        found |= _found(missing)
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
    paid: dict[int, int] = defaultdict(int)
    for line, _payment in done.settled:
        paid[line.bill_id] += line.amount
    for bill_id, amount in paid.items():  # a few bills per payment: its payer's open ones
        Bill.objects.filter(pk=bill_id).update(paid=F("paid") + amount)
    months: dict[dt.date, list[int]] = defaultdict(list)
    for line, _payment in done.settled:
        months[line.month].append(line.enrollment_id)
    for month in sorted(months):
        move_paid_through(Enrollment.objects.filter(pk__in=months[month]), month)
    if done.settled:
        arrears_refresh(timezone.localdate(), [payer.pk])  # the arrears list shows it at once
    return done


def payment_record(
    *, payer: Payer, channel: str, reference: str, amount: int, paid_on: dt.date, by: User, proof=None
) -> tuple[Payment, Plan]:
    """Record a payer's payment and settle its open bill lines with it (and any credit it had)."""
    refuse_unless(payer.can_keep_accounts(by))
    reference = reference.strip()
    with one_payment(channel, reference):
        payment = Payment.objects.create(
            payer=payer, channel=channel, reference=reference, amount=amount, paid_on=paid_on,
            proof=proof or "", recorded_by=by,
        )  # fmt: skip
        done = settle(payer=payer, by=by)
    return payment, done


def refuse_unless(verdict: Verdict) -> None:
    if not verdict:
        raise BillingError(verdict.reason)


@contextmanager
def one_payment(channel: str, reference: str) -> Iterator[None]:
    """Record a payment all or nothing, its reference once per channel: one taken already is refused
    naming the payment that has it, and the same reference or months recorded by someone else at
    the same moment (the database refuses the second) is a message, not an error page."""
    if taken := reference_taken(channel, reference):
        raise BillingError(taken)
    try:
        with transaction.atomic():
            yield
    except IntegrityError:
        raise BillingError(
            reference_taken(channel, reference)
            or _("Someone recorded these payments at the same moment; they are recorded once. Look again.")
        ) from None


@transaction.atomic
def payment_undo(*, payment: Payment, by: User, reason: str) -> None:
    """Delete a payment recorded in error (a statement undone the same day): the months it settled
    are unpaid again and its lines open, so the next payment settles them."""
    refuse_unless(payment.payer.can_keep_accounts(by))
    settlements = Settlement.objects.filter(payment=payment)
    contributions = Contribution.objects.filter(
        pk__in=list(settlements.values_list("contribution_id", flat=True))
    )
    unsettled = settlements.order_by().values("line__bill").annotate(n=Sum("amount"))
    for bill_id, amount in list(unsettled.values_list("line__bill", "n")):
        Bill.objects.filter(pk=bill_id).update(paid=F("paid") - amount)
    settlements.delete()
    contributions_remove(contributions)
    payment._change_reason = reason.strip()[:100]  # type: ignore[attr-defined]  # simple_history's reason
    payment.delete()
    arrears_refresh(timezone.localdate(), [payment.payer_id])


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
