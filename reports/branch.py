"""The file the BPJS branch registers workers from, in the layout the branch asks for.

A branch keeps its own template (which columns, in which order, under which headers, dates written
how); an official saves it once as a BranchLayout and every later export comes out in it, without
code. The rows are the campaign's verified workers not yet active (what the branch still has to
register), with NIK and phone whole: the branch needs them, so the export asks why and is logged.
Its reply, the KPJ numbers, comes back through the branch list's reconciliation (imports).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from enrollment.models import Enrollment, Heir

from .exports import Cell, Column
from .lists import FIELDS, enrollment_columns, enrollment_rows

PROGRAMS = {"covers_jkk": "JKK", "covers_jkm": "JKM", "covers_jht": "JHT"}
EXTRA_FIELDS = ("kk_number", "address", "campaign__covers_jkk", "campaign__covers_jkm", "campaign__covers_jht",
                "campaign__contribution_per_month", "heir_name", "heir_relationship")  # fmt: skip
RELATIONSHIP = dict(Heir.Relationship.choices)


def _programs(row: dict) -> str:
    return "+".join(name for field, name in PROGRAMS.items() if row[f"campaign__{field}"])


def branch_columns() -> dict[str, Column]:
    """Every field a layout may use, by key: the enrollment export's (whole numbers) and the
    registration's own (KK, address, programs, contribution, first heir)."""
    columns = {column.key: column for column in enrollment_columns(whole=True)}
    for column in (
        Column("kk_number", _("Family card (KK) number"), lambda row: row["kk_number"], width=19),
        Column("address", _("Address"), lambda row: row["address"], width=30),
        Column("programs", _("Programmes"), _programs),
        Column("contribution", _("Contribution per month (Rp)"), lambda row: row["campaign__contribution_per_month"], Cell.NUMBER),
        Column("heir_name", _("Heir"), lambda row: row["heir_name"] or "", width=24),
        Column("heir_relationship", _("Heir's relationship"), lambda row: str(RELATIONSHIP.get(row["heir_relationship"], "") or "")),
    ):  # fmt: skip
        columns[column.key] = column
    return columns


# The usual columns of a BPU registration, for a new layout to start from.
DEFAULT_LAYOUT = [
    ("nik", "NIK"), ("name", "NAMA LENGKAP"), ("birth_date", "TGL LAHIR"), ("sex", "JENIS KELAMIN"),
    ("phone", "NO HP"), ("address", "ALAMAT"), ("village", "DESA/KELURAHAN"), ("occupation", "PEKERJAAN"),
    ("income", "PENGHASILAN"), ("programs", "PROGRAM"), ("heir_name", "AHLI WARIS"),
]  # fmt: skip


def _heirs(enrollments: QuerySet[Enrollment]) -> QuerySet[Enrollment]:
    first = Heir.objects.filter(enrollment=OuterRef("pk"), removed_at=None).order_by("position")
    return enrollments.annotate(
        heir_name=Subquery(first.values("name")[:1]),
        heir_relationship=Subquery(first.values("relationship")[:1]),
    )


def registration_rows(enrollments: QuerySet[Enrollment]) -> Iterator[dict]:
    return enrollment_rows(_heirs(enrollments), fields=(*FIELDS, *EXTRA_FIELDS))


def formatted(column: Column, date_format: str, grouped_numbers: bool) -> Column:
    """The column as the branch writes it: dates as text in its format, numbers plain or grouped."""
    read: Callable[[dict], object] = column.value
    if column.cell in (Cell.DATE, Cell.DATETIME):

        def as_text(row: dict) -> object:
            value = read(row)
            return value.strftime(date_format) if isinstance(value, dt.date) else ""

        return Column(column.key, column.label, as_text, Cell.TEXT, column.width)
    if column.cell == Cell.NUMBER and grouped_numbers:
        return Column(
            column.key,
            column.label,
            lambda row: f"{read(row) or 0:,}".replace(",", "."),
            Cell.TEXT,
            column.width,
        )
    return column
