"""The enrollment export: the list's rows under the same filters and scope, NIK and phone masked
unless an official asks for them whole with a purpose, a log row for every export."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from enrollment.models import Enrollment
from enrollment.services import enrollment_activate
from reports.models import ExportLog
from tests.factories import TODAY, enroll, nik_for, quota

pytestmark = pytest.mark.django_db

EXPORT = reverse("reports:enrollment_export")


@pytest.fixture
def enrolled(campaign, official, other_official, agent):
    """Three workers in Tanjungsari (one active), one in Salammulya, one in Karawang (another regency)."""
    rows = [enroll(campaign, agent, n, full_name=f"Pekerja {n}") for n in (1, 2, 3)]
    rows.append(enroll(campaign, official, 4, code="32.14.16.2006", full_name="Pekerja 4"))
    enrollment_activate(enrollment=rows[0], by=official, kpj_number="25010000001", coverage_starts=TODAY)
    quota(campaign, "32.15.01.1001")
    rows.append(enroll(campaign, other_official, 5, code="32.15.01.1001", full_name="Pekerja Karawang"))
    return rows


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _export(client, query="", **form):
    data = {"file_format": "csv", "columns": ["nik", "name", "phone", "status", "village_code"], **form}
    return client.post(f"{EXPORT}?{query}", data)


def test_the_export_has_the_lists_rows_under_the_same_filters(client, official, enrolled):
    client.force_login(official)
    query = "region=32.14.16.2005&status=registered"
    listed = client.get(f"{reverse('enrollment:enrollment_list')}?{query}").context["page"]
    rows = _csv(_export(client, query))
    assert sorted(row["Nama lengkap"] for row in rows) == sorted(e.full_name for e in listed)
    assert sorted(row["Nama lengkap"] for row in rows) == ["Pekerja 2", "Pekerja 3"]


def test_an_official_exports_only_their_area(client, official, enrolled):
    client.force_login(official)
    names = {row["Nama lengkap"] for row in _csv(_export(client))}
    assert names == {"Pekerja 1", "Pekerja 2", "Pekerja 3", "Pekerja 4"}


def test_nik_and_phone_are_masked_by_default(client, official, enrolled):
    client.force_login(official)
    row = next(r for r in _csv(_export(client)) if r["Nama lengkap"] == "Pekerja 2")
    assert row["NIK"] == nik_for(2)[:4] + "********" + nik_for(2)[12:]
    assert row["Nomor HP"] == "0812****7890"


def test_an_official_gets_whole_numbers_with_a_purpose(client, official, enrolled):
    client.force_login(official)
    rows = _csv(_export(client, whole="on", purpose="Pencocokan dengan daftar BPJS cabang"))
    row = next(r for r in rows if r["Nama lengkap"] == "Pekerja 2")
    assert row["NIK"] == nik_for(2)
    assert row["Nomor HP"] == "+6281234567890"
    log = ExportLog.objects.get()
    assert log.whole_personal_data and log.purpose == "Pencocokan dengan daftar BPJS cabang"


def test_whole_numbers_without_a_purpose_are_refused_and_nothing_is_logged(client, official, enrolled):
    client.force_login(official)
    response = _export(client, whole="on", purpose="  ")
    assert response.status_code == 200
    assert "Sebutkan mengapa nomor utuh diperlukan." in response.content.decode()
    assert not ExportLog.objects.exists()


def test_an_agent_never_gets_whole_numbers(client, agent, enrolled):
    client.force_login(agent)
    rows = _csv(_export(client, whole="on", purpose="ingin tahu"))
    assert {row["Nama lengkap"] for row in rows} == {"Pekerja 1", "Pekerja 2", "Pekerja 3"}
    assert all("********" in row["NIK"] for row in rows)
    assert not ExportLog.objects.get().whole_personal_data


def test_every_export_is_logged_without_a_nik(client, official, enrolled):
    client.force_login(official)
    # A NIK typed into the name search must not reach the log either.
    rows = _csv(_export(client, f"q={nik_for(2)}&region=32.14"))
    log = ExportLog.objects.get()
    assert log.user == official and log.kind == "enrollments" and log.file_format == "csv"
    assert log.row_count == len(rows) == 0
    assert log.columns == ["nik", "name", "phone", "status", "village_code"]
    assert [r.code for r in log.regions.all()] == ["32.14"]
    assert nik_for(2) not in str(log.filters) and log.filters["q"] == [
        nik_for(2)[:4] + "********" + nik_for(2)[12:]
    ]


def test_the_xlsx_has_nik_as_text_numbers_as_numbers_and_dates_as_dates(client, official, enrolled):
    client.force_login(official)
    response = client.post(
        EXPORT,
        {
            "file_format": "xlsx",
            "columns": ["nik", "income", "coverage_starts", "name"],
            "whole": "on",
            "purpose": "x",
        },
    )
    assert response["Content-Disposition"].startswith('attachment; filename="pendaftaran-')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header == ("NIK", "Nama lengkap", "Penghasilan bulanan yang dinyatakan (Rp)", "Perlindungan mulai")
    by_name = {row[1]: row for row in rows}
    assert by_name["Pekerja 1"][0] == nik_for(1)  # text, all 16 digits
    assert by_name["Pekerja 1"][2] == 1_500_000  # a number
    assert by_name["Pekerja 1"][3].date() == TODAY  # a date
    assert by_name["Pekerja 2"][3] is None
    assert ExportLog.objects.get().row_count == 4


def test_an_unknown_column_or_format_is_a_message(client, official, enrolled):
    client.force_login(official)
    response = client.post(EXPORT, {"file_format": "pdf\x00", "columns": ["password"]})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"file_format", "columns"}
    assert not ExportLog.objects.exists()


def test_the_export_page_names_the_filters_in_words(client, official, enrolled):
    client.force_login(official)
    response = client.get(
        f"{EXPORT}?status=active&campaign={enrolled[0].campaign_id}&entered_after=2026-01-01"
    )
    assert response.context["applied"] == [
        ("Kampanye", enrolled[0].campaign.name),
        ("Status", "Aktif"),
        ("Diinput antara", "1 Jan 2026 \u2013 …"),
    ]
    assert client.get(EXPORT).context["applied"] == []


def test_rows_are_read_in_chunks_without_losing_or_repeating_one(
    official, enrolled, monkeypatch, django_assert_num_queries
):
    from reports import lists

    monkeypatch.setattr(lists, "VILLAGES_PER_FETCH", 1)
    in_area = Enrollment.objects.for_user(official)
    with django_assert_num_queries(3):  # the villages, then Tanjungsari's 3 rows, then Salammulya's 1
        rows = list(lists.enrollment_rows(in_area))
    assert [row["pk"] for row in rows] == list(
        in_area.order_by("village_id", "pk").values_list("pk", flat=True)
    )
    assert len(rows) == 4


def test_a_cell_a_spreadsheet_would_run_as_a_formula_goes_out_as_text(client, official, enrolled):
    """CSV injection: a name typed as a formula reached the official's Excel raw."""
    Enrollment.objects.filter(pk=enrolled[1].pk).update(full_name="=cmd|' /C calc'!A0")
    Enrollment.objects.filter(pk=enrolled[2].pk).update(full_name="@SUM(1+1)")
    client.force_login(official)
    rows = _csv(_export(client, whole="on", purpose="Pencocokan dengan daftar BPJS"))
    names = {row["Nama lengkap"] for row in rows}
    assert "'=cmd|' /C calc'!A0" in names and "'@SUM(1+1)" in names and "Pekerja 1" in names
    assert {row["Nomor HP"] for row in rows} == {"+6281234567890"}  # a number with its sign runs nothing
