"""Reading the spreadsheets people really send: CSV or XLSX, messy, from any Excel.

Sign-ups typed at a village meeting and the BPJS branch's lists arrive as UTF-8 (with or without a
BOM) or Windows-1252 CSV from older Excel, separated by commas, semicolons (Indonesian Excel) or
tabs, or as XLSX with real date cells, NIKs that Excel turned into numbers, merged header cells,
empty rows and extra columns. Everything here turns that into rows of text keyed by our own field
names, or into one message the user can act on; nothing raises anything else.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 20_000_000  # some 200,000 rows of sign-ups; a bigger file is a mistake or another table
MAX_ROWS = 200_000
MAX_UNPACKED = 400_000_000  # a 200,000-row XLSX unpacks to some 100 MB
HEADER_SEARCH = 10  # rows looked at for the header row
SPREADSHEET_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # XLSX and ODS (zip), old XLS (OLE)

# Our field: the headers it goes by, in English and Indonesian, compared lower-case without spaces,
# dots, dashes or underscores (so "Tanggal Lahir", "tanggal_lahir" and "TANGGAL-LAHIR" are one).
ALIASES = {
    "nik": ("nik", "noktp", "nomorktp", "nomorinduk", "nomorindukkependudukan"),
    "full_name": ("fullname", "name", "nama", "namalengkap"),
    "village_code": ("villagecode", "kodedesa", "kodekelurahan", "kodewilayah"),
    "occupation": ("occupation", "pekerjaan"),
    "occupation_other": ("occupationother", "otheroccupation", "pekerjaanlainnya", "pekerjaanlain"),
    "kk_number": ("kk", "kknumber", "nokk", "nomorkk", "nomorkartukeluarga", "kartukeluarga"),
    "birth_date": ("birthdate", "dateofbirth", "tanggallahir", "tgllahir"),
    "sex": ("sex", "gender", "jeniskelamin", "jk", "lp", "jeniskelaminlp", "jklp"),
    "phone": ("phone", "mobile", "nohp", "nomorhp", "telepon", "hp"),
    "address": ("address", "alamat"),
    "monthly_income": ("monthlyincome", "income", "penghasilan", "penghasilanbulanan"),
    "heir_name": ("heirname", "heir", "ahliwaris", "namaahliwaris"),
    "heir_relationship": ("heirrelationship", "hubunganahliwaris", "hubungan"),
    "funding_source": ("fundingsource", "sumberdana"),
    "kpj_number": ("kpj", "kpjnumber", "nokpj", "nomorkpj", "nomorkepesertaan"),
    "status": ("status", "statuskepesertaan"),
    "paid_until": ("paiduntil", "paidthrough", "lunassampai", "iuransampai", "bulanterakhir"),
}
# Each column by the name the user knows it by (Tanggal lahir), for the mapping form and messages.
FIELD_LABELS = {
    "nik": gettext_lazy("NIK"),
    "full_name": gettext_lazy("Full name"),
    "village_code": gettext_lazy("Village code"),
    "occupation": gettext_lazy("Occupation"),
    "occupation_other": gettext_lazy("Other occupation"),
    "kk_number": gettext_lazy("Family card (KK) number"),
    "birth_date": gettext_lazy("Birth date"),
    "sex": gettext_lazy("Sex"),
    "phone": gettext_lazy("Mobile phone"),
    "address": gettext_lazy("Address"),
    "monthly_income": gettext_lazy("Monthly income"),
    "heir_name": gettext_lazy("Heir's name"),
    "heir_relationship": gettext_lazy("Heir's relationship"),
    "funding_source": gettext_lazy("Funding source"),
    "kpj_number": gettext_lazy("KPJ number"),
    "status": gettext_lazy("Status"),
    "paid_until": gettext_lazy("Paid up to"),
}
FIELD_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}


class ImportFileError(ValueError):
    """A file that cannot be read as a table; the message says why and what to do."""


@dataclass
class Table:
    """A file read as a table: its headers as written, the field each maps to (None: unknown), and
    the data rows as text with their row numbers as the spreadsheet shows them."""

    headers: list[str]
    fields: list[str | None]
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # (row number, column index) of NIK and KK cells that Excel stored as numbers: never trusted.
    numbers: set[tuple[int, int]] = field(default_factory=set)

    def records(self) -> Iterator[tuple[int, dict[str, str]]]:
        """Each row as {field: text}, known columns only; extra columns are left out."""
        for number, cells in self.rows:
            yield number, {name: cell for name, cell in zip(self.fields, cells, strict=False) if name}

    def lost_digits(self, number: int, name: str) -> bool:
        """Row `number`'s `name` (nik, kk_number) was a number in the file, so its digits are not sure."""
        return name in self.fields and (number, self.fields.index(name)) in self.numbers

    def missing(self, required: tuple[str, ...]) -> list[str]:
        return [name for name in required if name not in self.fields]


def header_key(text: str) -> str:
    return re.sub(r"[\s._\-/()]+", "", text.strip().lower())


def read_table(data: bytes, filename: str = "", aliases: dict[str, tuple[str, ...]] = ALIASES) -> Table:
    """The file as a table, whatever Excel or a text editor made of it, its columns named by `aliases`
    (a worker list's by default; a bank statement's are billing's)."""
    field_of = FIELD_OF if aliases is ALIASES else {a: name for name, names in aliases.items() for a in names}
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(
            _("The file is larger than %(mb)s MB. Split it into smaller files.")
            % {"mb": MAX_BYTES // 1_000_000}
        )
    if data.startswith(SPREADSHEET_MAGIC):
        size = spreadsheet_size(data)
        if size.rows > MAX_ROWS + HEADER_SEARCH:
            raise ImportFileError(
                _(
                    "The sheet has more than %(rows)s rows, counting empty rows formatted below the data. "
                    "Delete the rows below the data, or split the file."
                )
                % {"rows": f"{MAX_ROWS:,}".replace(",", ".")}
            )
        if size.unpacked > MAX_UNPACKED:
            raise ImportFileError(
                _("The spreadsheet unpacks to more than %(mb)s MB. Split it into smaller files.")
                % {"mb": MAX_UNPACKED // 1_000_000}
            )
        return _table(_xlsx_grid(data), field_of)
    return _table(_csv_grid(data), field_of)


ODS_ROW = re.compile(rb"<table:table-row[ >/]")
ODS_REPEATED = re.compile(rb'table:number-rows-repeated="(\d+)"')


@dataclass(frozen=True)
class Size:
    """What a file will cost to read: its bytes once unzipped, and its rows (as the sheet declares them)."""

    unpacked: int
    rows: int


def spreadsheet_size(data: bytes) -> Size:
    """An XLSX or ODS is a zip: 140 KB of it may unzip to a million rows (an ODS says "this row, a
    million times" in one attribute). Judged from the zip's directory and the sheet's own header before
    anything is parsed, so the web worker never holds such a file; CSV is its own size."""
    if not data.startswith(SPREADSHEET_MAGIC[0]):
        return Size(len(data), data.count(b"\n"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
            names = archive.namelist()
            if "content.xml" in names:  # ODS: rows, and rows repeated, of every table
                rows = _ods_rows(archive)
            else:
                sheet = next((n for n in names if n.startswith("xl/worksheets/") and n.endswith(".xml")), "")
                rows = _xlsx_rows(archive, sheet) if sheet else 0
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return Size(len(data), 0)  # calamine says what is wrong with it
    return Size(unpacked, rows)


def _xlsx_rows(archive: zipfile.ZipFile, name: str) -> int:
    """The last row of the sheet's declared range (<dimension ref="A1:L1000001"/>), read from its head."""
    with archive.open(name) as sheet:
        head = sheet.read(4096)
    found = re.search(rb'<dimension ref="[A-Z]*\d*:?[A-Z]+(\d+)"', head)
    return int(found.group(1)) if found else 0


def _ods_rows(archive: zipfile.ZipFile) -> int:
    """Rows of every table in an ODS, a row repeated n times counting n, read in pieces cut after a tag."""
    rows, carry = 0, b""
    with archive.open("content.xml") as content:
        while chunk := content.read(1 << 20):
            text = carry + chunk
            cut = text.rfind(b">") + 1
            whole, carry = text[:cut], text[cut:]
            rows += len(ODS_ROW.findall(whole))
            rows += sum(int(n) - 1 for n in ODS_REPEATED.findall(whole))
    return rows


def _csv_grid(data: bytes) -> list[list[Any]]:
    if b"\x00" in data[:4096]:
        raise ImportFileError(_("This is not a spreadsheet. Upload a CSV or an Excel (XLSX) file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # older Excel on Windows; never fails
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = max((";", ",", "\t"), key=first.count)
    try:
        return list(csv.reader(lines, delimiter=delimiter))
    except csv.Error:
        raise ImportFileError(_("The file cannot be read as CSV: a quote is not closed.")) from None


def _xlsx_grid(data: bytes) -> list[list[Any]]:
    # python-calamine (Rust) reads a 100,000-row sheet in 1.8 s where openpyxl's read-only mode takes
    # 13 s (bench/README.md), and reads old .xls and .ods files too.
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
        grid = []
        for row in sheet.iter_rows():
            grid.append(row)
            if len(grid) > MAX_ROWS + 1:
                break
        return grid
    except Exception:  # calamine raises several kinds on a broken file; all say the same to the user
        raise ImportFileError(
            _("The Excel file is damaged or not an XLSX file. Save it again as XLSX.")
        ) from None


def _text(cell: object) -> str:
    """A cell as text: dates as 2026-03-01, whole numbers without ".0"."""
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.date().isoformat()
    if isinstance(cell, dt.date):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).replace("\x00", "").strip()  # PostgreSQL refuses a NUL in text


def _table(grid: list[list[Any]], field_of: dict[str, str]) -> Table:
    numbered = [(number, row) for number, row in enumerate(grid, start=1) if any(_text(cell) for cell in row)]
    if not numbered:  # empty rows, and the gaps merged cells leave, are skipped
        raise ImportFileError(_("The file has no rows."))
    if len(numbered) > MAX_ROWS + 1:
        raise ImportFileError(
            _("The file has more than %(rows)s rows. Split it.") % {"rows": f"{MAX_ROWS:,}".replace(",", ".")}
        )

    # The header row is the one naming the most of our fields among the first few: a title merged
    # across the top ("DAFTAR PESERTA MUSDES DESA TANJUNGSARI") or a blank line may come first.
    def known(row) -> int:
        return len({field_of.get(header_key(_text(cell))) for cell in row} - {None})

    first = max(
        range(min(HEADER_SEARCH, len(numbered))), key=lambda index: (known(numbered[index][1]), -index)
    )
    (_number, header_row), *data = numbered[first:]
    headers = [_text(cell) for cell in header_row]
    fields = [field_of.get(header_key(header)) for header in headers]
    seen: set[str] = set()
    for index, name in enumerate(fields):  # a header twice (merged cells copied): the first counts
        if name in seen:
            fields[index] = None
        elif name:
            seen.add(name)
    table = Table(headers=headers, fields=fields, rows=[(n, [_text(c) for c in row]) for n, row in data])
    if unread := [header for header, name in zip(headers, fields, strict=True) if header and not name]:
        table.warnings.append(
            _("These columns are not read: %(columns)s.") % {"columns": ", ".join(f"“{h}”" for h in unread)}
        )
    # Recorded for every column, not only those read as NIK or KK: the user may map the columns later.
    table.numbers = {
        (number, column) for number, row in data for column, cell in enumerate(row) if _long_number(cell)
    }
    return table


def _long_number(cell: object) -> bool:
    """A number Excel may have cut: a number cell of 16 digits or more in XLSX (Excel keeps 15
    significant digits, so a NIK or KK as a number may be another person's), or "3.21416E+15" in its
    CSV. A phone number as a number (12 or 13 digits) is exact: only its leading 0 went, and is put back."""
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        return abs(cell) >= 1e15
    # Asked of every cell of the file (900,000 in 100,000 rows): the pattern only for a cell with an E.
    return isinstance(cell, str) and ("E" in cell or "e" in cell) and bool(_SCIENTIFIC.fullmatch(cell))


_SCIENTIFIC = re.compile(r"\s*\d(?:[.,]\d+)?[eE]\+?\d+\s*")


def clean_nik(text: str) -> str:
    """A NIK as people type it: a leading apostrophe (Excel's "text" mark), spaces, dots, dashes."""
    return re.sub(r"[\s.\-']", "", text.lstrip("'"))


DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d/%m/%y", "%d-%m-%y", "%d.%m.%Y")
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(text: str) -> dt.date | None:
    """dd/mm/yyyy, d-m-yy, yyyy-mm-dd, or an Excel day number; None when it is none of these."""
    text = text.strip()
    for pattern in DATE_PATTERNS:
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if day.year < 100:
            continue
        return day
    if text.isascii() and text.isdigit() and 1 <= int(text) <= 80_000:  # an Excel date cell read as a number
        return EXCEL_EPOCH + dt.timedelta(days=int(text))
    return None
