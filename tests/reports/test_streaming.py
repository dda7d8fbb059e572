"""Exports stream: 100,000 rows go out without the file, or the rows, ever sitting in memory."""

import datetime as dt
import tempfile
import tracemalloc

import pytest

from reports.exports import Cell, Column, Sheet, csv_lines, write_xlsx

COLUMNS = [
    Column("nik", "NIK", lambda row: row["nik"]),
    Column("name", "Nama", lambda row: row["name"]),
    Column("income", "Penghasilan", lambda row: row["income"], Cell.NUMBER),
    Column("starts", "Mulai", lambda row: row["starts"], Cell.DATE),
    Column("village", "Desa", lambda row: row["village"]),
]


def rows(count: int):
    """Rows made one at a time, as the database cursor hands them over."""
    for n in range(count):
        yield {
            "nik": f"3214161508950{n:03d}"[:16],
            "name": f"Pekerja nomor {n}",
            "income": 1_500_000 + n,
            "starts": dt.date(2026, 1, 1) + dt.timedelta(days=n % 300),
            "village": "32.14.16.2005",
        }


def peak_bytes(export) -> int:
    tracemalloc.start()
    try:
        export()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_a_csv_of_100000_rows_keeps_memory_flat():
    counted = []

    def send(count):
        for _chunk in csv_lines(COLUMNS, rows(count), counted.append):
            pass  # the response hands each chunk to the client and lets it go

    small, large = peak_bytes(lambda: send(10_000)), peak_bytes(lambda: send(100_000))
    assert counted == [10_000, 100_000]
    assert large < 2 * small and large < 2_000_000, (small, large)  # 2 MB: not the 8 MB of the file


@pytest.mark.slow
def test_an_xlsx_of_100000_rows_keeps_memory_flat():
    counts = []

    def write(count):
        with tempfile.TemporaryFile() as target:
            counts.extend(write_xlsx([Sheet("Peserta", COLUMNS, rows(count))], target))

    small, large = peak_bytes(lambda: write(10_000)), peak_bytes(lambda: write(100_000))
    assert counts == [10_000, 100_000]
    assert large < 2 * small and large < 5_000_000, (small, large)
