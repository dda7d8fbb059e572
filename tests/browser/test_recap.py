import pytest
from django.urls import reverse
from playwright.sync_api import expect

from campaigns.models import Quota
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, enroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_records_the_signature_and_the_recap_prints_as_a_letter(live_server, phone, agent, campaign):
    for n in range(1, 4):
        enroll(campaign, agent, n, full_name=f"Pekerja {n}")
    sign_in(phone, live_server.url, "agen.tanjungsari", PASSWORD)
    phone.goto(live_server.url + reverse("reports:village_recap", args=[campaign.slug, "32.14.16.2005"]))
    expect(phone.locator(".letterhead")).to_contain_text("Desa Tanjungsari")
    expect(phone.locator(".recap-table tbody tr")).to_have_count(3)

    phone.get_by_label("Nama kepala desa").fill("H. Dedi Supriadi")
    phone.get_by_role("button", name="Catat tanda tangan").click()
    expect(phone.locator(".alert-success")).to_contain_text("Ditandatangani kepala desa")
    expect(phone.locator(".signature-block")).to_contain_text("H. Dedi Supriadi")
    assert Quota.objects.get(campaign=campaign, village__code="32.14.16.2005").signoff == Quota.Signoff.SIGNED

    phone.emulate_media(media="print")  # on paper: the letter and its table, no menus or forms
    expect(phone.locator("nav.navbar")).to_be_hidden()
    expect(phone.locator("footer")).to_be_hidden()
    expect(phone.get_by_role("button", name="Cetak")).to_be_hidden()
    expect(phone.locator(".recap-table")).to_be_visible()
