"""The blank files to fill: the headers Desa100 reads, an example row, and (in XLSX) how to fill it."""

from __future__ import annotations

import csv
import io

import xlsxwriter
from django.utils.translation import gettext as _

from .kinds import KINDS
from .models import ImportBatch

# The Indonesian headers (the reader knows the English ones too) and an example row.
COLUMNS: dict[str, list[tuple[str, str]]] = {
    ImportBatch.Kind.SIGNUPS: [
        ("nik", "3214161508950001"),
        ("nama", "Asep Saepudin"),
        ("kode_desa", "32.14.16.2005"),
        ("pekerjaan", "Petani"),
        ("pekerjaan_lainnya", ""),
        ("tanggal_lahir", "15/08/1995"),
        ("jenis_kelamin", "L"),
        ("no_hp", "0812 3456 7890"),
        ("no_kk", "3214160101080001"),
        ("alamat", "Kp. Cibodas RT 02/RW 03"),
        ("penghasilan", "1500000"),
        ("ahli_waris", "Euis Sumiati"),
        ("hubungan_ahli_waris", "istri"),
        ("sumber_dana", ""),
    ],
    ImportBatch.Kind.BRANCH_LIST: [
        ("nik", "3214161508950001"),
        ("nama", "Asep Saepudin"),
        ("no_kpj", "25011234567"),
        ("tanggal_lahir", "15/08/1995"),
        ("status", "Aktif"),
        ("iuran_sampai", "12/2026"),
    ],
}


def _columns(kind: str) -> list[tuple[str, str]]:
    return KINDS[kind].example if kind in KINDS else COLUMNS[kind]


def _instructions(kind: str) -> list[str]:
    if kind in KINDS:
        return KINDS[kind].instructions()
    lines = [
        _(
            "One row per worker, below the header row. Keep the headers; the order of the columns does not matter."
        ),
        _("NIK: 16 digits, typed as text (this file's NIK column is already formatted as text)."),
        _("Required: nik, nama, kode_desa, pekerjaan."),
        _("kode_desa: the village code of Kemendagri, e.g. 32.14.16.2005 (Desa Tanjungsari)."),
        _("tanggal_lahir and jenis_kelamin (L/P) may be left empty: they are read from the NIK."),
        _("pekerjaan: the occupation as the entry form names it, e.g. Petani, Pedagang, Tukang ojek."),
        _("pekerjaan_lainnya: what the work is, when pekerjaan is Lainnya (Other)."),
        _("hubungan_ahli_waris: istri, suami, anak, ayah, ibu, saudara…"),
        _(
            "Upload it in Desa100: Imports, then New import. You will see every problem before anything is saved."
        ),
    ]
    if kind == ImportBatch.Kind.BRANCH_LIST:
        lines[2] = _(
            "Required: nik, nama. The KPJ number, status and month paid up to are used when present."
        )
        del lines[3:8]
    return lines


def template_csv(kind: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([name for name, _example in _columns(kind)])
    writer.writerow([example for _name, example in _columns(kind)])
    return ("\ufeff" + out.getvalue()).encode()


def template_xlsx(kind: str) -> bytes:
    target = io.BytesIO()
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    text = book.add_format({"num_format": "@"})  # NIK and phone stay text: Excel keeps all 16 digits
    bold = book.add_format({"bold": True, "bg_color": "#DCEFE3"})
    sheet = book.add_worksheet(_("Payments") if kind == ImportBatch.Kind.STATEMENT else _("Workers"))
    for column, (name, example) in enumerate(_columns(kind)):
        sheet.set_column(column, column, max(14, len(example) + 2), text)
        sheet.write_string(0, column, name, bold)
        sheet.write_string(1, column, example, text)
    sheet.freeze_panes(1, 0)
    help_sheet = book.add_worksheet(_("How to fill"))
    help_sheet.set_column(0, 0, 110)
    for row, line in enumerate(_instructions(kind)):
        help_sheet.write_string(row, 0, line)
    book.close()
    return target.getvalue()


def problem_rows_xlsx(headers: list[str], rows: list[list[str]]) -> bytes:
    """Rows to fix, every cell text and every column formatted as text, so that what the user types
    into it (a NIK, a KK, a phone number) stays as typed when Excel saves it."""
    target = io.BytesIO()
    book = xlsxwriter.Workbook(target, {"in_memory": True, "strings_to_formulas": False})
    text = book.add_format({"num_format": "@"})
    bold = book.add_format({"bold": True, "bg_color": "#DCEFE3", "num_format": "@"})
    sheet = book.add_worksheet(_("Rows to fix"))
    sheet.set_column(0, max(len(headers) - 1, 0), 18, text)
    sheet.set_column(len(headers) - 1, len(headers) - 1, 60, text)  # the problem column
    for column, header in enumerate(headers):
        sheet.write_string(0, column, header, bold)
    for row, cells in enumerate(rows, start=1):
        for column, cell in enumerate(cells):
            sheet.write_string(row, column, cell, text)
    sheet.freeze_panes(1, 0)
    book.close()
    return target.getvalue()
