"""What payers owe: open bill lines past their due date, per payer, with the workers who lapse at the
end of this month if nothing is paid (enrollment.lapse says who).

Counted into `Arrears` rows by `arrears_refresh`: the whole country takes some 20 s, too long for a
page, so the background worker counts everyone (`manage.py refresh_arrears`) and a payment or a
corrected bill counts its payer again at once. The arrears list, its download, the payer list and the
home pages read the rows.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.models import add_months
from enrollment.lapse import lapsing_this_month_q

from .models import Arrears, BillLine, Payer


def _overdue(today: dt.date) -> QuerySet[BillLine]:
    return BillLine.objects.open().filter(bill__due_on__lt=today)


def overdue_q() -> Q:
    """Payers in arrears when last counted."""
    return Q(arrears__isnull=False)


def _sums(lines: QuerySet[BillLine], today: dt.date) -> QuerySet:
    """Per payer: the amount, workers, worker-months and workers at the cliff of these lines (at the
    end of this month, and of the next)."""
    next_month = add_months(today.replace(day=1), 1)
    return (
        lines.order_by()
        .values(owing=F("bill__payer"))
        .annotate(
            amount=Sum("amount"),
            workers=Count("enrollment", distinct=True),
            months=Count("pk"),
            lapsing=Count(
                "enrollment", distinct=True, filter=lapsing_this_month_q(today, "enrollment__paid_through")
            ),
            lapsing_next=Count(
                "enrollment",
                distinct=True,
                filter=lapsing_this_month_q(next_month, "enrollment__paid_through"),
            ),
        )
    )


@transaction.atomic
def arrears_refresh(today: dt.date, payer_ids: list[int] | None = None) -> int:
    """Count again what every payer (or these) owes past due: the rows replaced in one INSERT … SELECT."""
    lines = _overdue(today)
    counted = Arrears.objects.all()
    if payer_ids is not None:
        lines, counted = lines.filter(bill__payer_id__in=payer_ids), counted.filter(payer_id__in=payer_ids)
    counted.delete()
    inner, params = _sums(lines, today).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_arrears (payer_id, amount, workers, months, lapsing, lapsing_next, counted_at) "
            f"SELECT s.owing, s.amount, s.workers, s.months, s.lapsing, s.lapsing_next, %s FROM ({inner}) s",
            [connection.ops.adapt_datetimefield_value(timezone.now()), *params],
        )
        return cursor.rowcount


@dataclass
class Summary:
    payers: int
    amount: int
    lapsing: int


def of(payers: QuerySet[Payer]) -> QuerySet[Arrears]:
    """The counted arrears of these payers: all of them when nothing narrows the payers (an
    administrator's), where an IN over every payer hashed the country's 83,764 (issue 25)."""
    return Arrears.objects.filter(payer__in=payers) if payers.query.has_filters() else Arrears.objects.all()


def summary(payers: QuerySet[Payer]) -> Summary:
    """How many of these payers were past due when last counted, for how much, and the workers at the
    cliff: one query over the counted rows."""
    sums = of(payers).aggregate(payers=Count("pk"), amount=Sum("amount"), lapsing=Sum("lapsing"))
    return Summary(sums["payers"], sums["amount"] or 0, sums["lapsing"] or 0)


SORTS = {
    "-amount": ("-amount", "payer_id"),
    "-lapsing": ("-lapsing", "-amount", "payer_id"),
    "name": ("payer__name", "payer_id"),
}


def counted_for(payers: QuerySet[Payer], sort: str) -> QuerySet[Arrears]:
    """The counted arrears of these payers, in the order asked (most owed first by default)."""
    return (
        of(payers)
        .select_related("payer__region", "payer__campaign")
        .order_by(*SORTS.get(sort, SORTS["-amount"]))
    )


def csv_response(rows: QuerySet[Arrears], today: dt.date) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tunggakan-{today:%Y-%m-%d}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [_("Payer"), _("Region code"), _("Campaign"), _("Overdue (Rp)"), _("Workers"), _("Worker-months"),
         _("Lapse at the end of this month"), _("Lapse at the end of next month")]
    )  # fmt: skip
    for row in rows.iterator(chunk_size=2000):
        writer.writerow(
            [row.payer.name, row.payer.region.code, row.payer.campaign.name, row.amount, row.workers, row.months,
             row.lapsing, row.lapsing_next]
        )  # fmt: skip
    return response
