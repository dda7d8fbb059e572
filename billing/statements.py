"""A bank's or BPJS's list of payments received, matched to the payers' bills before anything is recorded.

Each row is a payment (reference, amount, date, and a bill number, a payer or a description naming
either). It is matched to a payer of the campaign in the statement's area: by the bill number, then
by its reference (recorded already: nothing to do), then by amount and payer. The official sees each
row's category first; confirming records the matched rows as payments (`payment_record`, the same
service as the payment form, so they settle oldest first), and can be undone the same day.

Registered with the import pages (imports.kinds), which keep the file, map the columns, run the dry
run and the confirmation, and offer the undo.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from lokal.rupiah import parse_rupiah

from accounts.models import User
from config.formatting import grouped, rupiah
from imports.kinds import ListKind, Sorted, register
from imports.models import ImportBatch
from imports.reading import Table, parse_date
from imports.services import ImportRefused

from .models import Bill, BillLine, Payer, Payment
from .services import BillingError, payment_record, payment_undo

ALIASES = {
    "reference": (
        "reference", "ref", "noref", "referensi", "noreferensi", "nomorreferensi", "kodeiuran",
        "notransaksi", "nomortransaksi", "idtransaksi", "nobukti", "nomorbukti", "kodebayar",
    ),
    "amount": ("amount", "jumlah", "nominal", "kredit", "credit", "jumlahbayar", "nilai", "mutasikredit"),
    "paid_on": (
        "date", "paidon", "tanggal", "tgl", "tanggalbayar", "tglbayar", "tanggaltransaksi", "tgltransaksi",
    ),
    "bill_number": ("billnumber", "bill", "notagihan", "nomortagihan", "tagihan"),
    "payer": ("payer", "pembayar", "namapembayar", "penyetor", "namapenyetor", "nama", "dari"),
    "description": ("description", "keterangan", "berita", "uraian", "catatan", "remark"),
    "channel": ("channel", "saluran", "kanal", "via", "carabayar"),
}  # fmt: skip
LABELS = {
    "reference": gettext_lazy("Reference number"),
    "amount": gettext_lazy("Amount"),
    "paid_on": gettext_lazy("Date paid"),
    "bill_number": gettext_lazy("Bill number"),
    "payer": gettext_lazy("Payer"),
    "description": gettext_lazy("Description"),
    "channel": gettext_lazy("Channel"),
}
CATEGORIES = {
    "matched": gettext_lazy("Matched to a payer: recorded when you confirm"),
    "ambiguous": gettext_lazy("Could be more than one payer"),
    "unknown": gettext_lazy("No payer found"),
    "recorded": gettext_lazy("Recorded already"),
    "problem": gettext_lazy("Cannot be read"),
}
BILL_NUMBER = re.compile(r"TAG/\d{6}/\d{7}(?:-\d+)?", re.IGNORECASE)
# The channel as banks and BPJS write it; a statement without the column is of transfers.
CHANNEL_WORDS = {
    Payment.Channel.TELLER: ("teller", "setor", "setoran", "tunai", "loket"),
    Payment.Channel.TRANSFER: ("transfer", "trf", "atm", "ib", "internetbanking", "mbanking", "rtgs", "skn"),
    Payment.Channel.VIRTUAL_ACCOUNT: ("va", "virtualaccount"),
    Payment.Channel.RETAIL: ("retail", "ritel", "indomaret", "alfamart", "kantorpos", "pos"),
    Payment.Channel.EWALLET: ("ewallet", "dompetdigital", "gopay", "ovo", "dana", "shopeepay", "linkaja"),
}
CHANNEL_OF = {word: channel for channel, words in CHANNEL_WORDS.items() for word in words}
MAX_AMOUNT = 100_000_000_000  # Rp 100 billion: more than a province pays in a month


@dataclass
class Row:
    number: int
    reference: str
    amount: int
    paid_on_iso: str
    channel: str
    bill_number: str
    payer_text: str


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


def _amount(text: str) -> int | None:
    text = text.strip()
    if not text or text.startswith(("-", "(")) or text.upper().endswith(("DB", " D")):
        return None  # a debit: money going out is not a payment received
    parsed = parse_rupiah(text)
    if parsed is None or parsed.approximate or parsed.amount != int(parsed.amount):
        return None
    amount = int(parsed.amount)
    return amount if 0 < amount <= MAX_AMOUNT else None


def _read(number: int, record: dict[str, str]) -> Row | str:
    """The row as a payment, or what is wrong with it."""
    reference = " ".join(record.get("reference", "").split())
    if not reference:
        return _("no reference number")
    if len(reference) > 40:
        return _("the reference is longer than 40 characters")
    amount = _amount(record.get("amount", ""))
    if amount is None:
        return _("the amount is not a whole number of rupiah above zero")
    paid_on = parse_date(record.get("paid_on", ""))
    if paid_on is None:
        return _("write the date as 15/03/2026")
    if paid_on > timezone.localdate():
        return _("the date is in the future")
    channel = CHANNEL_OF.get(
        re.sub(r"[^a-z]", "", record.get("channel", "").lower()), Payment.Channel.TRANSFER
    )
    found = BILL_NUMBER.search(" ".join((record.get("bill_number", ""), record.get("description", ""))))
    payer = record.get("payer", "").strip() or record.get("description", "").strip()
    return Row(
        number, reference, amount, paid_on.isoformat(), channel,
        found.group(0).upper() if found else "", payer,
    )  # fmt: skip


class Book:
    """The campaign's payers in the statement's area with what each owes, read once per check."""

    def __init__(self, batch: ImportBatch):
        assert batch.region is not None  # the upload form asks for the area
        self.payers = {
            payer.pk: payer
            for payer in Payer.objects.for_user(batch.uploaded_by)
            .filter(campaign=batch.campaign, region__code__startswith=batch.region.code)
            .select_related("region")
        }
        lines = BillLine.objects.filter(bill__payer__in=list(self.payers)).open()
        self.owed = dict(
            lines.order_by().values("bill__payer").annotate(n=Sum("amount")).values_list("bill__payer", "n")
        )
        self.bills_owing: dict[int, list[int]] = defaultdict(list)  # the open amount of each bill
        for payer_id, amount in (
            lines.order_by().values("bill").annotate(n=Sum("amount")).values_list("bill__payer", "n")
        ):
            self.bills_owing[payer_id].append(amount)

    def bill(self, number: str) -> Bill | None:
        return Bill.objects.filter(number=number, payer_id__in=list(self.payers)).first()

    def named(self, text: str) -> list[Payer]:
        """Payers whose name, or whose region's name, the text contains (or the other way round)."""
        words = _plain(text)
        if len(words) < 3:
            return []
        found = []
        for payer in self.payers.values():
            name, place = _plain(payer.name), _plain(payer.region.name)
            if (
                name in words
                or words in name
                or (len(place) > 3 and re.search(rf"\b{re.escape(place)}\b", words))
            ):
                found.append(payer)
        return found

    def owing(self, amount: int) -> list[Payer]:
        """Payers who owe exactly this amount, in all or on one bill."""
        return [
            self.payers[pk]
            for pk in self.payers
            if self.owed.get(pk) == amount or amount in self.bills_owing.get(pk, ())
        ]


def sort(batch: ImportBatch, table: Table) -> Iterator[Sorted]:
    book, seen = Book(batch), dict[str, int]()
    recorded = {
        (channel, reference): payer
        for channel, reference, payer in Payment.objects.filter(
            reference__in=[record.get("reference", "").strip() for _n, record in table.records()]
        ).values_list("channel", "reference", "payer__name")
    }
    for number, record in table.records():
        row = _read(number, record)
        if isinstance(row, str):
            yield Sorted(number, "problem", record.get("reference", "")[:40], "", row)
            continue
        if (row.channel, row.reference) in recorded:
            yield Sorted(
                number, "recorded", row.reference, recorded[(row.channel, row.reference)],
                _("this reference is recorded already"),
            )  # fmt: skip
            continue
        if row.reference in seen:
            yield Sorted(
                number, "problem", row.reference, "",
                _("the same reference is on row %(row)s") % {"row": seen[row.reference]},
            )  # fmt: skip
            continue
        seen[row.reference] = number
        yield _match(row, book)


def _match(row: Row, book: Book) -> Sorted:
    data = {
        "reference": row.reference, "amount": row.amount, "paid_on": row.paid_on_iso, "channel": row.channel,
    }  # fmt: skip
    amount = rupiah(row.amount)
    if row.bill_number:
        bill = book.bill(row.bill_number)
        if bill is None:
            return Sorted(
                row.number, "unknown", row.reference, row.payer_text[:60],
                _("%(amount)s: no bill %(number)s among your payers") % {"amount": amount, "number": row.bill_number},
            )  # fmt: skip
        on_bill = BillLine.objects.filter(bill=bill).open().aggregate(n=Sum("amount"))["n"] or 0
        how = _("bill %(number)s") % {"number": bill.number}
        return _matched(row, book, book.payers[bill.payer_id], data, how, on_bill)
    candidates = book.named(row.payer_text) if row.payer_text else []
    how = _("by name")
    if not candidates:
        candidates, how = book.owing(row.amount), _("by the amount owed")
    if len(candidates) == 1:
        return _matched(row, book, candidates[0], data, how)
    if candidates:
        names = ", ".join(payer.name for payer in candidates[:3])
        return Sorted(
            row.number, "ambiguous", row.reference, row.payer_text[:60],
            _("%(amount)s could be %(count)s payers: %(names)s") % {
                "amount": amount, "count": len(candidates), "names": names,
            },
        )  # fmt: skip
    return Sorted(
        row.number, "unknown", row.reference, row.payer_text[:60],
        _("%(amount)s: no payer of this name or owing this amount") % {"amount": amount},
    )  # fmt: skip


def _matched(row: Row, book: Book, payer: Payer, data: dict, how: str, on_bill: int | None = None) -> Sorted:
    owed = book.owed.get(payer.pk, 0)
    if on_bill is not None and row.amount == on_bill:
        balance = _("pays the bill in full")
    elif row.amount == owed:
        balance = _("pays all it owes")
    elif row.amount < owed:
        balance = _("%(owed)s owed: part of it") % {"owed": rupiah(owed)}
    else:
        balance = _("%(extra)s more than owed, held as credit") % {"extra": rupiah(row.amount - owed)}
    note = f"{rupiah(row.amount)} · {how} · {balance}"
    return Sorted(row.number, "matched", row.reference, payer.name, note, {**data, "payer": payer.pk})


def confirm(batch: ImportBatch, rows: list[Sorted], by: User) -> dict:
    """Record each matched row as its payer's payment, settled oldest first."""
    payers = Payer.objects.in_bulk([row.data["payer"] for row in rows])
    payments = []
    for row in rows:
        try:
            payment, _plan = payment_record(
                payer=payers[row.data["payer"]],
                channel=row.data["channel"],
                reference=row.data["reference"],
                amount=row.data["amount"],
                paid_on=dt.date.fromisoformat(row.data["paid_on"]),
                by=by,
            )
        except BillingError as refused:
            raise ImportRefused(
                _("Row %(row)s: %(problem)s") % {"row": row.row, "problem": refused}
            ) from None
        payments.append(payment.pk)
    return {"payments": payments}


def undo(batch: ImportBatch, by: User, reason: str) -> int:
    """Delete the payments the statement recorded; the months they paid are unpaid again."""
    ids = batch.summary.get("done", {}).get("payments", [])
    for payment in Payment.objects.filter(pk__in=ids).select_related("payer").order_by("-pk"):
        try:
            payment_undo(payment=payment, by=by, reason=reason)
        except BillingError as refused:
            raise ImportRefused(str(refused)) from None
    return len(ids)


def _instructions() -> list[str]:
    return [
        _("One row per payment received, below the header row. The order of the columns does not matter."),
        _("Required: referensi (the transaction or receipt number), jumlah, tanggal."),
        _(
            "no_tagihan: the bill number (TAG/202612/0000012). Banks often put it in keterangan: it is found there too."
        ),
        _("pembayar: the payer's name (Pemerintah Nagari Sumpur Kudus), when there is no bill number."),
        _("saluran: teller, transfer, VA, retail or e-wallet; transfer when empty."),
        _(
            "Upload it in Desa100: Imports, then Match a bank statement. Nothing is recorded before you confirm."
        ),
    ]


def may_upload(user: User) -> bool:
    return user.acts_as_official


register(
    ImportBatch.Kind.STATEMENT,
    ListKind(
        aliases=ALIASES,
        labels=LABELS,
        required=("reference", "amount", "paid_on"),
        example=[
            ("referensi", "TRX2612150001"),
            ("jumlah", "336000"),
            ("tanggal", "15/12/2026"),
            ("no_tagihan", "TAG/202612/0000012"),
            ("pembayar", "Pemerintah Nagari Sumpur Kudus"),
            ("keterangan", "IURAN BPU DES 2026"),
            ("saluran", "transfer"),
        ],
        instructions=_instructions,
        categories=CATEGORIES,
        confirmed=("matched",),
        open_categories=("matched", "ambiguous", "unknown"),
        may_upload=may_upload,
        sort=sort,
        confirm=confirm,
        undo=undo,
        undone=gettext_lazy("Undone: %(count)s payments deleted and their months unpaid again."),
        key_label=gettext_lazy("Reference"),
        who_label=gettext_lazy("Payer"),
        confirm_label=lambda count: (
            ngettext("Record %(shown)s matched payment", "Record %(shown)s matched payments", count)
            % {"shown": grouped(count)}
        ),
        confirm_note=gettext_lazy(
            "Only matched rows are recorded. Record the others by hand on their payer's page, or correct the file and upload it again."
        ),
        done_label=gettext_lazy("Confirmed on %(when)s: %(count)s payments recorded and settled."),
        undo_note=gettext_lazy(
            "Undo it today if it was the wrong file: the payments it recorded are deleted and their months are unpaid again, with your reason."
        ),
    ),
)
