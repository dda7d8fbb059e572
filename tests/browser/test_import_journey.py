"""An official imports a village meeting's spreadsheet: dry run, the problems, then the commit."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Campaign, Quota
from enrollment.models import Enrollment
from regions.models import Region
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CampaignFactory, nik_for, quota

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_checks_a_spreadsheet_then_saves_its_valid_rows(live_server, browser, official, tmp_path):
    campaign = CampaignFactory(
        name="1 Desa 100 Perlindungan",
        organizer=Region.objects.get(code="32.14"),
        status=Campaign.Status.ACTIVE,
    )
    quota(campaign, "32.14.16.2005", target=100, filled=52)
    sheet = tmp_path / "musdes-tanjungsari.csv"
    rows = [f"{nik_for(n)};Pekerja {n};32.14.16.2005;Petani;;;0812 3456 78{n:02d}" for n in range(1, 6)]
    rows.append(f"{nik_for(1)};Ganda;32.14.16.2005;Petani;;;")  # the same NIK again
    rows.append(f"{nik_for(9)};Luar;32.15.01.1001;Petani;;;")  # Karawang: outside the official's area
    sheet.write_text(
        "nik;nama;kode_desa;pekerjaan;tanggal_lahir;jenis_kelamin;no_hp\n" + "\n".join(rows) + "\n"
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server.url, official.username, PASSWORD)

    page.goto(live_server.url + reverse("imports:list"))
    page.get_by_role("link", name="Impor pendaftaran").click()
    page.get_by_label("Berkas").set_input_files(str(sheet))
    page.get_by_role("button", name="Unggah dan periksa").click()

    expect(page.get_by_role("button", name="Simpan 5 baris yang benar")).to_be_visible()
    problems = page.locator("table").first
    expect(problems).to_contain_text("NIK yang sama ada di baris 2")
    expect(problems).to_contain_text("bukan desa kampanye ini di wilayah Anda")
    assert not Enrollment.objects.exists()  # the dry run saved nothing
    page.get_by_role("button", name="Simpan 5 baris yang benar").click()

    expect(page.locator(".alert-success").last).to_contain_text("5 terdaftar, 0 dalam daftar cadangan")
    assert Enrollment.objects.filter(entered_by=official).count() == 5
    assert Quota.objects.get(campaign=campaign).filled == 57
    page.goto(live_server.url + reverse("imports:list"))
    expect(page.locator("tbody tr").first).to_contain_text("musdes-tanjungsari.csv")
    context.close()
