import pytest
from django.urls import reverse

from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_agent_signs_in_on_a_phone_and_sees_their_village(live_server, phone, agent):
    phone.goto(live_server.url + reverse("home"))

    phone.get_by_label("Nama pengguna").fill("agen.tanjungsari")
    phone.get_by_label("Sandi").fill(PASSWORD)
    phone.get_by_role("button", name="Masuk").click()

    assert phone.get_by_role("link", name="Desa Tanjungsari").is_visible()
    assert fits_the_screen(phone)


def test_an_official_finds_a_village_for_a_new_agent_on_a_phone(live_server, phone, official):
    sign_in(phone, live_server.url, "pejabat.purwakarta", PASSWORD)

    phone.goto(live_server.url + reverse("accounts:agent_create"))
    phone.get_by_placeholder("Nama desa atau kode").fill("tanjungsari")
    phone.get_by_role("button", name="32.14.16.2005").click()

    assert phone.locator("#id_regions").input_value() == "32.14.16.2005"
    assert fits_the_screen(phone)
