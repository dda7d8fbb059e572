"""What payers owe: open bill lines past their due date, per payer, with the workers who lapse at the
end of this month if nothing is paid (enrollment.lapse says who)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import HttpResponse
from django.utils.translation import gettext as _

from enrollment.lapse import lapsing_this_month_q

from .models import BillLine, Payer


@dataclass
class Owed:
    amount: int
    workers: int
    months: int
    lapsing: int


@dataclass
class ArrearsRow(Owed):
    payer: Payer

    @property
    def name(self) -> str:
        return self.payer.name


def _overdue(today: dt.date) -> QuerySet[BillLine]:
    return BillLine.objects.open().filter(bill__due_on__lt=today)


def overdue_q(today: dt.date) -> Q:
    """Payers with a bill line past due and unpaid."""
    return Q(Exists(_overdue(today).filter(bill__payer=OuterRef("pk"))))


def _owed(lines: QuerySet[BillLine], today: dt.date) -> dict[int, Owed]:
    sums = (
        lines.order_by()
        .values("bill__payer")
        .annotate(
            amount=Sum("amount"),
            workers=Count("enrollment", distinct=True),
            months=Count("pk"),
            lapsing=Count(
                "enrollment", distinct=True, filter=lapsing_this_month_q(today, "enrollment__paid_through")
            ),
        )
    )
    return {
        row["bill__payer"]: Owed(row["amount"] or 0, row["workers"], row["months"], row["lapsing"])
        for row in sums
    }


def owed_by(payer_ids: list[int], today: dt.date) -> dict[int, Owed]:
    """What each of these payers owes past due, in one query."""
    return _owed(_overdue(today).filter(bill__payer_id__in=payer_ids), today)


def unpaid_by_bill(bill_ids: list[int]) -> dict[int, int]:
    """The amount still unpaid on each of these bills."""
    sums = (
        BillLine.objects.open()
        .filter(bill_id__in=bill_ids)
        .order_by()
        .values("bill")
        .annotate(n=Sum("amount"))
    )
    return {row["bill"]: row["n"] for row in sums}


@dataclass
class Summary:
    payers: int
    amount: int
    lapsing: int


def summary(payers: QuerySet[Payer], today: dt.date) -> Summary:
    """How many of these payers are past due, for how much, and the workers at the cliff: one query."""
    sums = (
        _overdue(today)
        .filter(bill__payer__in=payers)
        .aggregate(
            payers=Count("bill__payer", distinct=True),
            amount=Sum("amount"),
            lapsing=Count(
                "enrollment", distinct=True, filter=lapsing_this_month_q(today, "enrollment__paid_through")
            ),
        )
    )
    return Summary(sums["payers"], sums["amount"] or 0, sums["lapsing"])


def rows_for(payers: QuerySet[Payer], today: dt.date) -> list[ArrearsRow]:
    owed = _owed(_overdue(today).filter(bill__payer__in=payers), today)
    found = payers.filter(pk__in=owed).select_related("region", "campaign")
    return [ArrearsRow(**vars(owed[payer.pk]), payer=payer) for payer in found]


def csv_response(rows: list[ArrearsRow], today: dt.date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tunggakan-{today:%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [_("Payer"), _("Region code"), _("Campaign"), _("Overdue (Rp)"), _("Workers"), _("Worker-months"),
         _("Lapse at the end of this month")]
    )  # fmt: skip
    for row in rows:
        writer.writerow(
            [row.payer.name, row.payer.region.code, row.payer.campaign.name, row.amount, row.workers, row.months,
             row.lapsing]
        )  # fmt: skip
    return response
