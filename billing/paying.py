"""Months paid, recorded as a payer's payment: a month for an area's workers, or a file of NIK,month lines.

These were the first ways Desa100 recorded payments; they are now ways to record a `Payment`, with its
channel and reference, so that there is one bookkeeping. What is due comes from coverage (`month_due`,
`months_in_file`); the worker-months not billed yet are billed first (`bills_issue`, as on the first
of the month), and the payment settles exactly those lines: the payer said which months it paid.
One payment comes from one payer, so months owed by several payers are refused, naming them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign
from coverage.services import MonthsDue, month_due, months_in_file
from enrollment.models import Enrollment
from regions.models import Region

from .bills import bills_issue
from .models import BillLine, Payer, Payment
from .services import BillingError, one_payment, settle_lines

SHOWN_PAYERS = 3


def month_pay(
    *,
    campaign: Campaign,
    region: Region,
    month: dt.date,
    paid_on: dt.date,
    channel: str,
    reference: str,
    by: User,
    payer: Payer | None = None,
) -> tuple[MonthsDue, Payment]:
    """`month` paid for every active worker of the campaign in `region` covered that month and not
    yet paid for it, by their one payer (or those of them that `payer` owes), with this reference."""
    month, due, result = month_due(campaign=campaign, region=region, month=month, by=by)
    payment = _pay(
        campaign, {month: due}, paid_on=paid_on, channel=channel, reference=reference, by=by, payer=payer
    )
    result.to_pay, result.amount = payment.settlements.count(), payment.amount
    return result, payment


def file_pay(
    *, campaign: Campaign, text: str, paid_on: dt.date, channel: str, reference: str, by: User
) -> tuple[MonthsDue, Payment]:
    """The months of a file of NIK,month lines, paid by their one payer with this reference. One bad
    line records nothing (coverage.services.PaymentFileError names it)."""
    result = months_in_file(campaign=campaign, text=text, by=by)
    months = {month: Enrollment.objects.filter(pk__in=ids) for month, ids in result.months.items()}
    payment = _pay(campaign, months, paid_on=paid_on, channel=channel, reference=reference, by=by)
    result.amount = payment.amount  # at the rate of the payer's kind, as billed
    return result, payment


def _pay(
    campaign: Campaign,
    months: Mapping[dt.date, QuerySet[Enrollment]],
    *,
    paid_on: dt.date,
    channel: str,
    reference: str,
    by: User,
    payer: Payer | None = None,
) -> Payment:
    reference = reference.strip()
    with one_payment(channel, reference):
        return _record(campaign, months, paid_on, channel, reference, by, payer)


def _record(
    campaign: Campaign,
    months: Mapping[dt.date, QuerySet[Enrollment]],
    paid_on: dt.date,
    channel: str,
    reference: str,
    by: User,
    payer: Payer | None,
) -> Payment:
    campaigns = Campaign.objects.filter(pk=campaign.pk)
    for month, enrollments in sorted(months.items()):
        bills_issue(month=month, campaigns=campaigns, by=by, enrollments=enrollments)
    wanted = Q(pk__in=[])
    for month, enrollments in months.items():
        wanted |= Q(month=month, enrollment__in=enrollments)
    owed = (
        BillLine.objects.filter(bill__payer=payer)
        if payer
        else BillLine.objects.filter(bill__payer__campaign=campaign)
    )
    lines = list(owed.open().filter(wanted).oldest_first().select_related("bill"))
    payer_ids = {line.bill.payer_id for line in lines}
    if not payer_ids:
        raise BillingError(_("Nothing to record: these months are paid already."))
    if len(payer_ids) > 1:
        names = list(Payer.objects.filter(pk__in=payer_ids).values_list("name", flat=True)[:SHOWN_PAYERS])
        raise BillingError(
            _(
                "These months are owed by %(count)s payers (%(names)s). One payment comes from one "
                "payer: record each payer's payment on its page, or upload the bank statement."
            )
            % {
                "count": len(payer_ids),
                "names": ", ".join(names) + (", …" if len(payer_ids) > len(names) else ""),
            }
        )
    payment = Payment.objects.create(
        payer_id=payer_ids.pop(), channel=channel, reference=reference,
        amount=sum(line.amount for line in lines), paid_on=paid_on, recorded_by=by,
    )  # fmt: skip
    settle_lines(payment=payment, lines=lines, by=by)
    return payment
