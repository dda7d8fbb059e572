"""The main journeys in a real browser (issue 14): the agent meets a full village; the official
verifies, activates and exports; the language switch."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from campaigns.models import Campaign, Quota
from enrollment.models import Enrollment
from regions.models import Region
from tests.browser.conftest import sign_in, type_worker
from tests.factories import PASSWORD, CampaignFactory, OfficialFactory, enroll, nik_for, quota

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign(purwakarta):
    campaign = CampaignFactory(
        name="1 Desa 100 Perlindungan",
        organizer=Region.objects.get(code="32.14"),
        status=Campaign.Status.ACTIVE,
    )
    quota(campaign, "32.14.16.2005", target=53, filled=52)
    return campaign


def test_an_agent_takes_the_last_slot_then_meets_the_reserve_list(live_server, phone, agent, campaign):
    slots = f"#slots-{Quota.objects.get().pk}"
    sign_in(phone, live_server.url, agent.username, PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:enrollment_create"))
    expect(phone.locator(slots)).to_have_text("1 slot tersisa")

    type_worker(phone, 1, "Asep Saepudin")
    expect(phone.locator("#nik-check")).to_contain_text("Lahir 15 Agu 1995")  # typing the NIK fills them
    assert phone.locator("#id_sex").input_value() == "L"
    phone.get_by_role("button", name="Simpan dan tambah lagi").click()
    expect(phone.locator(slots)).to_have_text("0 slot tersisa")  # the slots left drop by one

    type_worker(phone, 2, "Budi Santoso")
    phone.get_by_role("button", name="Simpan dan tambah lagi").click()
    expect(phone.locator("#entry-form")).to_contain_text("penuh")
    phone.get_by_role("button", name="Masukkan ke daftar cadangan").click()
    expect(phone.get_by_role("alert").first).to_contain_text("daftar cadangan")
    statuses = dict(Enrollment.objects.values_list("full_name", "status"))
    assert statuses == {"Asep Saepudin": "registered", "Budi Santoso": "reserve"}


def test_an_official_verifies_activates_and_exports_what_the_list_shows(
    live_server, browser, official, agent, campaign
):
    Quota.objects.update(target=100)
    worker = enroll(campaign, agent, 1, full_name="Asep Saepudin")
    enroll(campaign, agent, 2, full_name="Budi Santoso")
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="id-ID", accept_downloads=True
    )
    page = context.new_page()
    sign_in(page, live_server.url, official.username, PASSWORD)
    page.goto(live_server.url + reverse("enrollment:enrollment_detail", args=[worker.pk]))

    page.get_by_role("button", name="Verifikasi").click()
    expect(page.get_by_role("alert").first).to_be_visible()
    page.get_by_label("Nomor kepesertaan (KPJ)").fill("25011234567")
    page.get_by_role("button", name="Aktifkan").click()
    expect(page.locator("main")).to_contain_text("25011234567")
    worker.refresh_from_db()
    assert worker.status == "active"

    page.goto(live_server.url + reverse("reports:enrollment_export"))
    page.get_by_label("Excel (XLSX)").check()
    with page.expect_download() as download:
        page.get_by_role("button", name="Unduh").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)  # no .xlsx suffix
    cells = [list(row) for row in book.worksheets[0].iter_rows(values_only=True)]
    names = {cell for row in cells for cell in row if cell in ("Asep Saepudin", "Budi Santoso")}
    assert names == {"Asep Saepudin", "Budi Santoso"}
    assert not any(nik_for(1) in str(cell) for row in cells for cell in row)  # NIKs masked by default
    context.close()


def test_a_province_official_drills_the_dashboard_from_the_province_to_a_village(
    live_server, browser, agent, campaign
):
    province = OfficialFactory(username="pejabat.jabar", regions=["32"])
    Campaign.objects.filter(pk=campaign.pk).update(organizer=Region.objects.get(code="32"))
    enroll(campaign, agent, 1)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server.url, province.username, PASSWORD)
    page.goto(live_server.url + reverse("dashboards:campaign_dashboard", args=[campaign.slug]))

    for region in ("Kabupaten Purwakarta", "Kec. Pondoksalam", "Desa Tanjungsari"):
        page.locator("main table").get_by_role("link", name=region).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text(region)
    expect(page.locator(".dashboard-figures")).to_contain_text("53")  # 52 before the test, and this one
    context.close()


def test_the_language_switch_turns_the_page_to_english_and_back(live_server, phone, agent, campaign):
    sign_in(phone, live_server.url, agent.username, PASSWORD)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    phone.locator("button[name=language][value=en]").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Welcome")
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.locator("button[name=language][value=id]").click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    expect(phone.locator("html")).to_have_attribute("lang", "id")


def test_on_a_phone_the_menu_is_a_drawer_that_marks_the_page_open(live_server, phone, official):
    sign_in(phone, live_server.url, official.username, PASSWORD)
    menu = phone.locator("#menu")
    expect(menu).to_be_hidden()

    phone.get_by_role("button", name="Menu").click()
    menu.get_by_role("link", name="Klaim").click()

    expect(phone.get_by_role("heading", name="Klaim")).to_be_visible()
    phone.get_by_role("button", name="Menu").click()
    expect(menu.locator("[aria-current=page]")).to_have_text("Klaim")


def test_the_menu_opens_on_the_enrollment_page_which_leaves_bootstraps_script_out(live_server, phone, agent):
    sign_in(phone, live_server.url, agent.username, PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:enrollment_create"))
    assert phone.evaluate("window.bootstrap === undefined")  # the page stays light

    phone.get_by_role("button", name="Menu").click()
    expect(phone.locator("#menu").get_by_role("link", name="Pendaftaran")).to_be_visible()
    phone.locator("#menu").get_by_role("button", name="Tutup").click()
    expect(phone.locator("#menu")).to_be_hidden()


def test_an_official_opens_the_filters_and_narrows_the_list(live_server, phone, official, agent, campaign):
    Quota.objects.update(target=100)
    enroll(campaign, agent, 1, full_name="Asep Saepudin", occupation="petani")
    enroll(campaign, agent, 2, full_name="Budi Santoso", occupation="nelayan")
    sign_in(phone, live_server.url, official.username, PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:enrollment_list"))
    expect(phone.locator("#id_occupation")).to_have_count(0)  # the closed panel carries no fields

    phone.get_by_text("Saring", exact=True).click()  # opening it fetches them
    phone.locator("#id_occupation").select_option("nelayan")
    phone.get_by_role("button", name="Tampilkan").click()

    expect(phone.locator("table")).to_contain_text("Budi Santoso")
    expect(phone.locator("table")).not_to_contain_text("Asep Saepudin")
    expect(phone.locator("#id_occupation")).to_have_value("nelayan")  # open again, as it was chosen
