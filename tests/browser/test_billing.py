"""An official's month of bills in a browser: a partial payment, shown before it is recorded with who
stays unpaid; the bill printed as one A4 letter."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from billing.bills import bills_issue
from billing.models import Payment
from campaigns.models import Campaign
from tests.billing.conftest import LAST_MONTH, village_funded_workers
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# A4 less the print margins of app.css (15 mm top and bottom, 12 mm each side), in CSS pixels.
A4_WIDTH, A4_HEIGHT = round((210 - 24) / 25.4 * 96), round((297 - 30) / 25.4 * 96)


@pytest.fixture
def tanjungsari_bill(campaign, official, agent):
    village_funded_workers(campaign, official, agent)
    bills = bills_issue(month=LAST_MONTH, campaigns=Campaign.objects.filter(pk=campaign.pk))
    return next(b for b in bills if b.workers == 4)


def test_a_partial_payment_shows_who_stays_unpaid_then_the_bill_prints_on_one_a4_page(
    live_server, phone, official, tanjungsari_bill
):
    sign_in(phone, live_server.url, official.username, PASSWORD)
    phone.goto(live_server.url + reverse("billing:payer_detail", args=[tanjungsari_bill.payer_id]))
    phone.get_by_role("link", name="Catat pembayaran").click()
    phone.locator("#id_channel").select_option("teller")
    phone.get_by_label("Nomor referensi").fill("BJB-2026-0042")
    phone.get_by_label("Jumlah (Rp)").fill("33600")
    phone.get_by_role("button", name="Tampilkan yang dilunasi").click()
    preview = phone.locator("#preview")
    expect(preview).to_contain_text("2 bulan-pekerja lunas")
    expect(preview).to_contain_text("2 tetap belum dibayar")
    expect(preview).to_contain_text("Pekerja 3")
    assert Payment.objects.count() == 0  # nothing recorded by looking
    phone.locator("button[name=record]").click()
    expect(phone.locator(".alert-success")).to_contain_text(
        "Tercatat: 2 bulan-pekerja lunas. 2 tetap belum dibayar."
    )
    assert Payment.objects.get().reference == "BJB-2026-0042"

    phone.goto(live_server.url + reverse("billing:bill_detail", args=[tanjungsari_bill.pk]))
    phone.set_viewport_size({"width": A4_WIDTH, "height": A4_HEIGHT})
    phone.emulate_media(media="print")
    expect(phone.locator("nav.navbar")).to_be_hidden()
    expect(phone.get_by_role("button", name="Cetak")).to_be_hidden()
    letter = phone.locator(".bill-letter").bounding_box()
    assert letter is not None and letter["height"] <= A4_HEIGHT, letter
    expect(phone.locator(".bill-lines li")).to_have_count(4)
