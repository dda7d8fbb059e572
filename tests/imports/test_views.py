"""The import pages as their users meet them: upload, preview, errors file, commit, list, undo, jobs."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from enrollment.models import Enrollment
from imports.models import ImportBatch
from tests.factories import nik_for

pytestmark = pytest.mark.django_db

HEADER = "nik;nama;kode_desa;pekerjaan\n"


def _upload(client, campaign, text, name="musdes.csv", **extra):
    data = {"campaign": campaign.pk, "file": SimpleUploadedFile(name, text.encode()), "reserve_if_full": "1"}
    return client.post(reverse("imports:new"), {**data, **extra}, follow=True)


def _sign_ups(count, first=1, code="32.14.16.2005"):
    return HEADER + "".join(f"{nik_for(n)};Pekerja {n};{code};petani\n" for n in range(first, first + count))


def test_an_agent_uploads_sees_the_dry_run_and_saves(client, campaign, agent):
    client.force_login(agent)
    text = _sign_ups(3) + f"1234;Salah;32.14.16.2005;petani\n{nik_for(9)};Luar;32.14.16.2006;petani\n"
    page = _upload(client, campaign, text).content.decode()
    assert "Simpan 3 baris yang benar" in page
    assert "Baris" in page and "bukan desa kampanye ini di wilayah Anda" in page
    assert not Enrollment.objects.exists()  # the dry run saves nothing
    batch = ImportBatch.objects.get()
    page = client.post(reverse("imports:commit", args=[batch.pk]), follow=True).content.decode()
    assert "3 terdaftar, 0 dalam daftar cadangan" in page
    assert Enrollment.objects.filter(entered_by=agent).count() == 3
    listing = client.get(reverse("imports:list")).content.decode()
    assert "musdes.csv" in listing and "Tersimpan" in listing


def test_the_errors_download_is_the_original_rows_plus_what_is_wrong(client, campaign, agent):
    client.force_login(agent)
    _upload(client, campaign, _sign_ups(1) + "'3214 1615 0895 0002;;32.14.16.2005;astronot;extra\n")
    batch = ImportBatch.objects.get()
    response = client.get(reverse("imports:errors", args=[batch.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value or "" for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["nik", "nama", "kode_desa", "pekerjaan", "", "masalah"]  # a cell without a header
    # Every cell is text, so a NIK typed into it in Excel keeps its 16 digits.
    assert {cell.number_format for row in sheet.iter_rows() for cell in row} == {"@"}
    assert rows[1][:4] == ["'3214 1615 0895 0002", "", "32.14.16.2005", "astronot"]
    assert "Nama lengkap: nama kosong" in rows[1][-1] and "Pekerjaan:" in rows[1][-1]
    assert len(rows) == 2  # the valid row is not in it


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x00\x01\x02binary\x00", "bukan spreadsheet"),
        (b"PK\x03\x04broken zip", "rusak"),
        (b"nama;pekerjaan\nAsep;petani\n", None),  # required columns missing: map them
    ],
)
def test_a_file_that_cannot_be_read_gets_a_message_not_an_error_page(
    client, campaign, agent, content, message
):
    client.force_login(agent)
    data = {"campaign": campaign.pk, "file": SimpleUploadedFile("x.csv", content), "reserve_if_full": "1"}
    response = client.post(reverse("imports:new"), data, follow=True)
    assert response.status_code == 200
    batch = ImportBatch.objects.get()
    if message:
        assert batch.state == "failed" and message in response.content.decode()
    else:
        assert batch.state == "mapping" and "Kolom mana berisi apa?" in response.content.decode()


def test_a_file_over_the_limit_is_refused_before_it_is_read(client, campaign, agent, monkeypatch):
    monkeypatch.setattr("imports.forms.MAX_BYTES", 100)
    client.force_login(agent)
    response = _upload(client, campaign, _sign_ups(5))
    assert "lebih besar dari" in response.content.decode() and not ImportBatch.objects.exists()


def test_unknown_columns_are_mapped_on_the_page(client, campaign, agent):
    client.force_login(agent)
    text = f"No Induk;Nama Peserta;Desa;Kerja\n{nik_for(1)};Asep;32.14.16.2005;petani\n"
    _upload(client, campaign, text)
    batch = ImportBatch.objects.get()
    mapping = {"column_0": "nik", "column_1": "full_name", "column_2": "village_code", "column_3": ""}
    response = client.post(reverse("imports:mapping", args=[batch.pk]), mapping)
    assert response.status_code == 400 and "Pekerjaan" in response.content.decode()  # still required
    mapping["column_3"] = "occupation"
    page = client.post(reverse("imports:mapping", args=[batch.pk]), mapping, follow=True).content.decode()
    assert "Simpan 1 baris yang benar" in page


def test_a_large_file_is_checked_by_a_background_job(client, campaign, agent, settings):
    settings.IMPORT_INLINE_BYTES = 0  # every file goes to the queue (run at once by the test backend)
    client.force_login(agent)
    _upload(client, campaign, _sign_ups(2))
    batch = ImportBatch.objects.get()
    assert batch.state == "checked" and batch.valid == 2
    client.post(reverse("imports:commit", args=[batch.pk]))
    assert Enrollment.objects.count() == 2


def test_the_progress_fragment_polls_until_the_job_ends(client, campaign, agent):
    client.force_login(agent)
    _upload(client, campaign, _sign_ups(1))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        state="checking", progress=2000, heartbeat_at=timezone.now()
    )
    fragment = client.get(reverse("imports:detail", args=[batch.pk]), headers={"HX-Request": "true"})
    assert "2.000 baris sudah diperiksa" in fragment.content.decode()
    ImportBatch.objects.filter(pk=batch.pk).update(state="checked")
    done = client.get(reverse("imports:detail", args=[batch.pk]), headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"


def test_a_job_killed_half_way_shows_as_stopped_and_runs_again(client, campaign, agent):
    client.force_login(agent)
    _upload(client, campaign, _sign_ups(2))
    batch = ImportBatch.objects.get()
    long_ago = timezone.now() - dt.timedelta(minutes=30)
    ImportBatch.objects.filter(pk=batch.pk).update(state="committing", heartbeat_at=long_ago)
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    assert "berhenti sebelum selesai" in page and not Enrollment.objects.exists()
    client.post(reverse("imports:check_again", args=[batch.pk]))
    client.post(reverse("imports:commit", args=[batch.pk]))
    assert Enrollment.objects.count() == 2


def test_undo_today_from_the_page(client, campaign, agent):
    client.force_login(agent)
    _upload(client, campaign, _sign_ups(2))
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:commit", args=[batch.pk]))
    page = client.post(reverse("imports:undo", args=[batch.pk]), {"reason": "berkas salah"}, follow=True)
    assert "Dibatalkan" in page.content.decode()
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"cancelled"}


def test_the_template_keeps_nik_as_text_and_explains_itself(client, agent):
    client.force_login(agent)
    response = client.get(reverse("imports:template"), {"kind": "signups", "format": "xlsx"})
    book = load_workbook(io.BytesIO(response.content))
    workers, how = book.worksheets
    assert [cell.value for cell in workers[1]][:4] == ["nik", "nama", "kode_desa", "pekerjaan"]
    assert workers["A2"].number_format == "@" and isinstance(workers["A2"].value, str)
    assert any("NIK" in (row[0].value or "") for row in how.iter_rows())
    text = client.get(reverse("imports:template"), {"kind": "branch_list"}).content.decode("utf-8-sig")
    assert text.startswith("nik;nama;no_kpj")


def test_the_branch_list_is_for_officials_and_shows_its_categories(client, campaign, agent, official):
    client.force_login(agent)
    assert client.get(reverse("imports:new"), {"kind": "branch_list"}).status_code == 403
    client.force_login(official)
    data = {
        "campaign": campaign.pk,
        "region": "32.14",
        "file": SimpleUploadedFile("bpjs.csv", f"NIK,Nama\n{nik_for(50)},Orang Lain\n".encode()),
    }
    page = client.post(reverse("imports:new") + "?kind=branch_list", data, follow=True).content.decode()
    assert "Ada di daftar tetapi tidak di Desa100" in page
    assert ImportBatch.objects.get().summary["counts"]["unknown"] == 1


def test_others_in_the_area_see_an_import_but_cannot_act_on_it(client, campaign, agent, official):
    client.force_login(agent)
    _upload(client, campaign, _sign_ups(1))
    batch = ImportBatch.objects.get()
    client.force_login(official)
    assert client.get(reverse("imports:detail", args=[batch.pk])).status_code == 200
    assert client.get(reverse("imports:errors", args=[batch.pk])).status_code == 403
    assert client.post(reverse("imports:commit", args=[batch.pk])).status_code == 403


def test_a_file_name_with_quotes_and_a_newline_is_made_safe_for_the_download(client, campaign, agent):
    client.force_login(agent)
    _upload(client, campaign, HEADER + "1234;x;32.14.16.2005;petani\n", name='da"ftar\r\nX-Evil: 1.csv')
    response = client.get(reverse("imports:errors", args=[ImportBatch.objects.get().pk]))
    assert response.status_code == 200 and "\n" not in response["Content-Disposition"]
    assert '"' not in response["Content-Disposition"].split('filename="')[1].rstrip('"')


def test_the_import_pages_read_a_fixed_number_of_queries(client, campaign, agent):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(agent)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _upload(client, campaign, _sign_ups(2))
    few = queries(reverse("imports:list"))
    one = queries(reverse("imports:detail", args=[ImportBatch.objects.get().pk]))
    for n in range(4):
        _upload(client, campaign, _sign_ups(2, first=10 + 2 * n) + "1234;x;32.14.16.2005;petani\n")
    assert queries(reverse("imports:list")) == few <= 8
    assert queries(reverse("imports:detail", args=[ImportBatch.objects.first().pk])) == one <= 8
