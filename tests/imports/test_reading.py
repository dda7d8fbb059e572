"""Messy real files read as tables, or refused with one clear message; never anything else."""

import contextlib
import datetime as dt
import io

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from imports.reading import ImportFileError, clean_nik, parse_date, read_table

NIK = "3214161508950001"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _xlsx(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_headers_in_indonesian_or_english_any_order_case_and_spacing():
    table = read_table(
        f"Nama Lengkap;NIK;kode_desa;PEKERJAAN;Kolom Lain\nAsep;{NIK};32.14.16.2005;petani;x\n".encode()
    )
    assert table.fields == ["full_name", "nik", "village_code", "occupation", None]
    assert list(table.records()) == [
        (2, {"full_name": "Asep", "nik": NIK, "village_code": "32.14.16.2005", "occupation": "petani"})
    ]
    assert table.missing(("nik", "full_name", "village_code", "occupation")) == []


def test_utf8_with_bom_and_windows_1252_from_older_excel():
    assert read_table(("\ufeffnik,nama\n" + f"{NIK},Siti Aisyah\n").encode("utf-8")).headers == [
        "nik",
        "nama",
    ]
    table = read_table(f"nik,nama\n{NIK},Asep Mulyana Ê\n".encode("cp1252"))
    assert next(table.records())[1]["full_name"] == "Asep Mulyana Ê"


def test_empty_rows_and_extra_columns_are_skipped_and_rows_keep_their_numbers():
    table = read_table(f"nik,nama,catatan\n\n,,\n{NIK},Asep,-\n".encode())
    assert [number for number, _ in table.records()] == [4]


def test_a_nik_excel_turned_into_a_number_is_marked_as_not_sure():
    table = read_table(_xlsx([["NIK", "Nama", "Penghasilan"], [3214161508950000, "Asep", 1500000]]))
    assert table.lost_digits(2, "nik") and not table.lost_digits(2, "monthly_income")
    assert read_table(b"nik,nama\n3.21416E+15,Asep\n").lost_digits(2, "nik")
    assert not read_table(b"nik,nama\n3214161508950001,Asep\n").lost_digits(2, "nik")


def test_excel_date_cells_become_dates():
    table = read_table(_xlsx([["nik", "tanggal lahir"], [NIK, dt.datetime(1995, 8, 15)]]))
    assert next(table.records())[1]["birth_date"] == "1995-08-15"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("15/08/1995", dt.date(1995, 8, 15)),
        ("15-8-95", dt.date(1995, 8, 15)),
        ("1995-08-15", dt.date(1995, 8, 15)),
        ("34926", dt.date(1995, 8, 15)),  # an Excel date cell read as its day number
        ("kemarin", None),
    ],
)
def test_dates_as_people_write_them(text, day):
    assert parse_date(text) == day


def test_nik_with_apostrophe_spaces_dots_and_dashes():
    assert clean_nik("'3214 1615.0895-0001") == NIK


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "kosong"),
        (b"\x00\x01\x02binary", "bukan spreadsheet"),
        (b"PK\x03\x04not really a zip", "rusak"),
        (b'nik,nama\n"unclosed,quote\n', None),
        (b"x" * 20_000_001, "20 MB"),
    ],
)
def test_files_that_are_not_tables_get_a_message(data, message):
    try:
        read_table(data)
    except ImportFileError as refused:
        assert message is None or message in str(refused)
    else:
        assert message is None  # the csv module reads an unclosed quote to the end of the file


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_the_reader_never_raises_anything_but_its_own_message(data):
    with contextlib.suppress(ImportFileError):
        read_table(data)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=400))
def test_nor_on_a_damaged_xlsx(data):
    with contextlib.suppress(ImportFileError):
        read_table(b"PK\x03\x04" + data)


def test_digits_that_are_not_ascii_are_not_a_date():
    assert parse_date("¹²³") is None and parse_date("١٢٣") is None


def test_a_title_merged_across_the_top_is_passed_over_for_the_header_row():
    book = Workbook()
    sheet = book.active
    sheet.append(["DAFTAR PESERTA MUSDES DESA TANJUNGSARI"])
    sheet.merge_cells("A1:D1")
    sheet.append(["NIK", "Nama", "Kode Desa", "Pekerjaan"])
    sheet.append([NIK, "Asep", "32.14.16.2005", "Petani"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue())
    assert table.fields == ["nik", "full_name", "village_code", "occupation"]
    assert [number for number, _ in table.records()] == [3]


def test_tab_separated_text_is_read_too():
    table = read_table(f"nik\tnama\n{NIK}\tAsep\n".encode())
    assert next(table.records())[1] == {"nik": NIK, "full_name": "Asep"}
