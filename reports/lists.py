"""The enrollment list as an export: its columns, and its rows read straight from the database."""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.phones import mask_phone
from enrollment.models import Enrollment, Worker, shown_status, shown_status_choices
from enrollment.nik import mask_kpj, mask_nik

from .exports import Cell, Column

# Villages whose rows are read per query: about 2,000 rows at 100 a village, 20,000 at the most
# (Krajan's 1,000); what is in memory is bounded by that, never by the size of the export.
VILLAGES_PER_FETCH = 20

# What each row is read from: plain values, not model instances, so 20,000 rows cost a query, not objects.
FIELDS = (
    "pk",
    "worker__nik",
    "full_name",
    "erasure_id",
    "worker__sex",
    "worker__birth_date",
    "phone",
    "occupation",
    "occupation_other",
    "monthly_income",
    "village__code",
    "village__name",
    "village__parent__name",
    "village__parent__parent__name",
    "campaign__name",
    "status",
    "funding_source__name",
    "entered_at",
    "entered_by__username",
    "worker__kpj_number",
    "coverage_starts",
    "coverage_ends",
    "card_handed_over_on",
)
PERSONAL = ("nik", "phone", "kpj")  # masked unless an official asks for them whole, with a purpose

STATUS = dict(shown_status_choices())
OCCUPATION = dict(Enrollment.Occupation.choices)
SEX = dict(Worker.Sex.choices)


def _name(row: dict) -> str:
    return gettext("(personal data erased)") if row["erasure_id"] else row["full_name"]


def _status(row: dict) -> str:
    """As the lists show it: ended cover is "Cover ended", not "Active" (as of the day of the export)."""
    status = shown_status(row["status"], row["coverage_ends"], timezone.localdate())
    return str(STATUS.get(status, status))


def _occupation(row: dict) -> str:
    if row["occupation"] == Enrollment.Occupation.OTHER:
        return row["occupation_other"]
    return str(OCCUPATION.get(row["occupation"], row["occupation"]))


def enrollment_columns(*, whole: bool) -> list[Column]:
    """Every column of the enrollment export, NIK and phone masked unless `whole`."""
    nik = (
        (lambda row: row["worker__nik"] or "") if whole else (lambda row: mask_nik(row["worker__nik"] or ""))
    )
    phone = (lambda row: row["phone"]) if whole else (lambda row: mask_phone(row["phone"]))
    kpj = (
        (lambda row: row["worker__kpj_number"] or "")
        if whole
        else (lambda row: mask_kpj(row["worker__kpj_number"] or ""))
    )
    return [
        Column("nik", _("NIK"), nik, width=19),
        Column("name", _("Full name"), _name, width=28),
        Column("sex", _("Sex"), lambda row: str(SEX.get(row["worker__sex"], ""))),
        Column("birth_date", _("Birth date"), lambda row: row["worker__birth_date"], Cell.DATE, 12),
        Column("phone", _("Mobile phone"), phone, width=16),
        Column("occupation", _("Occupation"), _occupation, width=24),
        Column("income", _("Declared monthly income (Rp)"), lambda row: row["monthly_income"], Cell.NUMBER),
        Column("village_code", _("Village code"), lambda row: row["village__code"]),
        Column("village", _("Village"), lambda row: row["village__name"], width=20),
        Column("district", _("District"), lambda row: row["village__parent__name"], width=20),
        Column("regency", _("Regency/city"), lambda row: row["village__parent__parent__name"], width=20),
        Column("campaign", _("Campaign"), lambda row: row["campaign__name"], width=30),
        Column("status", _("Status"), _status),
        Column(
            "funding_source", _("Funding source"), lambda row: row["funding_source__name"] or "", width=20
        ),
        Column("kpj", _("Membership number (KPJ)"), kpj, width=16),
        Column("coverage_starts", _("Coverage starts"), lambda row: row["coverage_starts"], Cell.DATE, 12),
        Column("coverage_ends", _("Coverage ends"), lambda row: row["coverage_ends"], Cell.DATE, 12),
        Column("card", _("Card handed over on"), lambda row: row["card_handed_over_on"], Cell.DATE, 12),
        Column("entered_at", _("Entered at"), lambda row: row["entered_at"], Cell.DATETIME, 16),
        Column("entered_by", _("Entered by"), lambda row: row["entered_by__username"]),
    ]


def enrollment_rows(enrollments: QuerySet[Enrollment], fields: tuple[str, ...] = FIELDS) -> Iterator[dict]:
    """The rows village by village, the villages of the list first (one query), then their rows a
    few villages at a time. Not a cursor: server-side cursors are off (they do not survive a
    transaction-pooling pgbouncer), and a client-side one holds the whole result in the database
    driver. Not chunks of the whole query either: each would join and sort every row of the list
    again to find where it starts (0.3 s a chunk for a regency of 19,200, bench/RESULTS.md)."""
    villages = list(enrollments.order_by("village_id").values_list("village_id", flat=True).distinct())
    rows = enrollments.order_by("village_id", "pk").values(*fields)
    for start in range(0, len(villages), VILLAGES_PER_FETCH):
        yield from rows.filter(village_id__in=villages[start : start + VILLAGES_PER_FETCH])
