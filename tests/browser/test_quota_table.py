import pytest
from django.urls import reverse
from playwright.sync_api import expect

from regions.models import Region
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, CampaignFactory, quota

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_official_edits_a_village_target_inline_on_a_phone(live_server, phone, official):
    campaign = CampaignFactory(slug="purwakarta", organizer=Region.objects.get(code="32.14"))
    tanjungsari = quota(campaign, "32.14.16.2005", target=100, filled=53)
    sign_in(phone, live_server.url, "pejabat.purwakarta", PASSWORD)
    phone.goto(live_server.url + reverse("campaigns:quota_list", args=[campaign.slug]))
    row = phone.locator(f"#quota-{tanjungsari.pk}")

    row.get_by_role("link", name="Ubah").click()
    row.get_by_label("Target").fill("40")
    row.get_by_role("button", name="Simpan").click()
    expect(row).to_contain_text("sudah memiliki 53 peserta")

    row.get_by_label("Target").fill("120")
    row.get_by_role("button", name="Simpan").click()
    expect(row.get_by_role("link", name="Ubah")).to_be_visible()

    expect(row).to_contain_text("120")
    assert phone.url.endswith(reverse("campaigns:quota_list", args=[campaign.slug]))  # no page load
    tanjungsari.refresh_from_db()
    assert tanjungsari.target == 120
