import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_official_drills_the_dashboard_down_to_a_village_and_back_on_a_phone(
    live_server, phone, official, agent, campaign
):
    for n in range(1, 4):
        enroll(campaign, agent, n)
    sign_in(phone, live_server.url, "pejabat.purwakarta", PASSWORD)
    phone.goto(live_server.url + reverse("dashboards:campaign_dashboard", args=[campaign.slug]))
    expect(phone.get_by_role("heading", name="Kabupaten Purwakarta")).to_be_visible()

    phone.get_by_role("link", name="Kec. Pondoksalam").first.click()
    phone.get_by_role("link", name="Desa Tanjungsari").first.click()

    expect(phone.get_by_role("heading", name="Desa Tanjungsari")).to_be_visible()
    expect(phone.locator(".dashboard-figures")).to_contain_text("3")
    assert fits_the_screen(phone)
    phone.locator(".breadcrumb").get_by_role("link", name="Kec. Pondoksalam").click()
    expect(phone.get_by_role("heading", name="Kec. Pondoksalam")).to_be_visible()


def test_select_all_ticks_every_row_of_the_review_queue(live_server, phone, official, agent, campaign):
    for n in range(1, 4):
        enroll(campaign, agent, n)
    sign_in(phone, live_server.url, "pejabat.purwakarta", PASSWORD)
    phone.goto(live_server.url + reverse("enrollment:review_queue"))

    phone.get_by_label("Pilih semua baris di halaman ini").check()
    phone.get_by_role("button", name="Verifikasi yang dipilih").click()

    expect(phone.locator(".alert-success")).to_contain_text("3 pendaftaran diperbarui")


def test_an_officials_long_menu_fits_a_desktop_screen(live_server, browser, official):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="id-ID")
    page = context.new_page()
    sign_in(page, live_server.url, official.username, PASSWORD)
    page.goto(live_server.url + "/imports/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    context.close()
