"""Exports as CSV and XLSX, streamed: rows go out as they are read, so 100,000 rows never sit in memory.

A list is a sequence of `Column`s (what heads each column, how to read it from a `values()` row, and
what kind of cell it is) and an iterator of rows. CSV goes out line by line while the rows are read;
XLSX is written row by row to a temporary file by xlsxwriter's constant-memory mode (an XLSX is a zip,
which cannot be sent before it is complete) and then sent from that file. In XLSX numbers are
numbers and dates are dates, and NIK, KPJ and phone numbers are text, so that Excel does not turn a
NIK into 3.21416E+15.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise

CSV_CHUNK_ROWS = 500  # lines sent per chunk of the response


class Cell(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    DATE = "date"
    DATETIME = "datetime"


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise  # a lazy translation, read in the language of the export
    value: Callable[[Any], object]  # reads a row: a values() dict, or a dashboard Row
    cell: Cell = Cell.TEXT
    width: int = 14


def _localized(value: object, cell: Cell) -> object:
    """Datetimes in the user's time zone, without it (spreadsheets have no time zones)."""
    if cell == Cell.DATETIME and isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None, microsecond=0)
    return value


# A text cell a spreadsheet would run as a formula (CSV injection): a name typed as
# "=cmd|' /C calc'!A0" must reach the official's Excel as text. Numbers and dates are ours, not typed.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


PLAIN_NUMBER = re.compile(r"[+-]?[\d.,]+")  # "+6281234567890": a sign before digits runs nothing


def neutralised(text: str) -> str:
    """Text a spreadsheet shows as written: a leading apostrophe before what would start a formula
    (OWASP's advice; Excel hides the apostrophe). A phone number in E.164 is left as it is."""
    if text.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv_text(value: object, cell: Cell) -> str:
    value = _localized(value, cell)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralised(str(value)) if cell == Cell.TEXT else str(value)


class _Echo:
    """A file whose write gives back the line, so csv.writer can build lines one at a time."""

    def write(self, line: str) -> str:
        return line


def csv_lines(columns: list[Column], rows: Iterable[dict], done: Callable[[int], None]) -> Iterator[str]:
    """The header and one line per row, a few hundred lines per chunk; `done(count)` when the last
    row is out (not called if the download is broken off)."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow([str(column.label) for column in columns])  # BOM: Excel reads UTF-8
    chunk, count = [], 0
    for row in rows:
        chunk.append(writer.writerow([_csv_text(column.value(row), column.cell) for column in columns]))
        count += 1
        if len(chunk) == CSV_CHUNK_ROWS:
            yield "".join(chunk)
            chunk = []
    if chunk:
        yield "".join(chunk)
    done(count)


def csv_response(columns: list[Column], rows: Iterable[dict], filename: str, done: Callable[[int], None]):
    response = StreamingHttpResponse(csv_lines(columns, rows, done), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


@dataclass
class Sheet:
    """One worksheet: a title line above the table (what, where, when), the columns and the rows."""

    name: str | Promise
    columns: list[Column]
    rows: Iterable[Any]
    title: str = ""


def write_xlsx(sheets: list[Sheet], target) -> list[int]:
    """Write the sheets into `target` (a binary file) row by row; the number of rows of each."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "in_memory": False})
    bold = workbook.add_format({"bold": True})
    formats = {
        Cell.DATE: workbook.add_format({"num_format": "dd/mm/yyyy"}),
        Cell.DATETIME: workbook.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        Cell.NUMBER: workbook.add_format({"num_format": "#,##0"}),
    }
    counts = []
    for sheet in sheets:
        worksheet = workbook.add_worksheet(str(sheet.name)[:31])
        top = 0
        if sheet.title:
            worksheet.write_string(0, 0, sheet.title, bold)
            top = 2
        for index, column in enumerate(sheet.columns):
            worksheet.set_column(index, index, column.width)
            worksheet.write_string(top, index, str(column.label), bold)
        writers = [_cell_writer(worksheet, column.cell, formats) for column in sheet.columns]
        count = 0
        for count, row in enumerate(sheet.rows, start=1):
            for index, (column, write) in enumerate(zip(sheet.columns, writers, strict=True)):
                value = column.value(row)
                if value is not None and value != "":
                    write(top + count, index, value)
        counts.append(count)
    workbook.close()
    return counts


def _cell_writer(worksheet, cell: Cell, formats: dict) -> Callable[[int, int, object], None]:
    """How one column's cells are written, chosen once per column rather than per cell (a regency's
    export has some 400,000 cells)."""

    def typed(row: int, col: int, value: object) -> None:
        value = _localized(value, cell)
        if cell in (Cell.DATE, Cell.DATETIME) and isinstance(value, dt.date):
            worksheet.write_datetime(row, col, value, formats[cell])
        elif cell == Cell.NUMBER and isinstance(value, int | float):
            worksheet.write_number(row, col, value, formats[Cell.NUMBER])
        else:
            worksheet.write_string(row, col, str(value))

    def text(row: int, col: int, value: object) -> None:
        worksheet.write_string(row, col, str(value))  # never guessed: a NIK stays text

    return text if cell == Cell.TEXT else typed


def xlsx_response(sheets: list[Sheet], filename: str, done: Callable[[int], None]) -> FileResponse:
    """The workbook written to a temporary file (rows on disk, not in memory), then sent from it."""
    target = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    counts = write_xlsx(sheets, target)
    done(counts[0] if counts else 0)
    target.seek(0)
    return FileResponse(
        target,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
