"""A month of money in a browser: the bank's statement matched and confirmed; a village in arrears
reminded, paying, and its workers restored before the cliff."""

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from billing.arrears import arrears_refresh
from billing.bills import bills_issue
from billing.models import Message, PayerContact, Payment, ReminderRule
from billing.reminders import reminders_write
from campaigns.models import Campaign, add_months
from enrollment.models import Enrollment
from tests.billing.conftest import LAST_MONTH, THIS_MONTH, village_funded_workers
from tests.browser.conftest import sign_in
from tests.factories import PASSWORD, TODAY

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
RATE = 16_800


@pytest.fixture
def billed(campaign, official, agent):
    workers = village_funded_workers(campaign, official, agent)
    bills = bills_issue(month=LAST_MONTH, campaigns=Campaign.objects.filter(pk=campaign.pk))
    return workers, {bill.payer.region.name: bill for bill in bills}


def test_the_banks_statement_is_matched_then_confirmed(live_server, desktop, official, billed, tmp_path):
    workers, bills = billed
    statement = tmp_path / "rekening-koran.csv"
    statement.write_text(
        "Tanggal;Keterangan;No. Referensi;Kredit\n"
        f"{TODAY:%d/%m/%Y};TRF IURAN {bills['Tanjungsari'].number};BJB-001;{4 * RATE}\n"
        f"{TODAY:%d/%m/%Y};TRANSFER MASUK;BJB-002;99.999\n",
        encoding="utf-8",
    )
    sign_in(desktop, live_server.url, official.username, PASSWORD)
    desktop.goto(live_server.url + reverse("imports:list"))
    desktop.get_by_role("link", name="Cocokkan rekening koran").click()
    desktop.get_by_label("Wilayah pembayar (kode)").fill("32.14")
    desktop.get_by_label("Berkas").set_input_files(str(statement))
    desktop.get_by_role("button", name="Unggah dan periksa").click()
    matched = desktop.locator("details.reconcile-category").first
    expect(matched).to_contain_text("Pemerintah Desa Tanjungsari")
    expect(matched).to_contain_text("melunasi tagihan ini")
    expect(desktop.locator("details.reconcile-category").nth(2)).to_contain_text("BJB-002")
    assert Payment.objects.count() == 0  # nothing recorded by looking
    desktop.get_by_role("button", name="Catat 1 pembayaran yang cocok").click()
    expect(desktop.locator("main")).to_contain_text("1 pembayaran dicatat dan dilunaskan")
    assert Payment.objects.get().reference == "BJB-001"
    paid = Enrollment.objects.filter(pk__in=[w.pk for w in workers[:4]])
    assert set(paid.values_list("paid_through", flat=True)) == {LAST_MONTH}


def test_a_village_in_arrears_is_reminded_pays_and_its_workers_are_restored(
    live_server, desktop, campaign, official, agent
):
    # Tanjungsari's workers, billed and unpaid for two months since their first: they lapse at the
    # end of this month unless the village pays.
    workers = village_funded_workers(campaign, official, agent)
    two_ago = add_months(THIS_MONTH, -2)
    Campaign.objects.filter(pk=campaign.pk).update(starts_on=two_ago)
    Enrollment.objects.filter(pk__in=[w.pk for w in workers]).update(
        coverage_starts=two_ago, paid_through=add_months(two_ago, -1)
    )
    for month in (two_ago, LAST_MONTH):
        bills_issue(month=month, campaigns=Campaign.objects.filter(pk=campaign.pk))
    tanjungsari = Enrollment.objects.get(pk=workers[0].pk)
    payer = tanjungsari.bill_lines.first().bill.payer
    PayerContact.objects.create(
        payer=payer, role="treasurer", name="Bendahara Tanjungsari", phone="+6281234560000"
    )
    ReminderRule.objects.all().delete()  # a transactional test: the migration's rules may be gone
    ReminderRule.objects.create(kind="cliff", days=14, channel="sms")
    month_end = add_months(THIS_MONTH, 1) - dt.timedelta(days=1)
    reminders_write(
        min(TODAY, month_end) if (month_end - TODAY).days <= 14 else month_end - dt.timedelta(days=14)
    )
    assert Message.objects.filter(payer=payer).exists()
    arrears_refresh(TODAY)  # the hourly count

    sign_in(desktop, live_server.url, official.username, PASSWORD)
    desktop.goto(live_server.url + reverse("billing:outbox"))
    expect(desktop.locator("main")).to_contain_text("Bendahara Tanjungsari")
    expect(desktop.locator("main")).to_contain_text("kehilangan perlindungan BPJS")
    desktop.goto(live_server.url + reverse("billing:arrears_list"))
    row = desktop.locator("tr", has_text="Pemerintah Desa Tanjungsari")
    expect(row.locator(".badge.text-bg-danger")).to_have_text("4")  # lapse at the month's end
    row.get_by_role("link", name="Pemerintah Desa Tanjungsari").click()
    desktop.get_by_role("link", name="Catat pembayaran").click()
    desktop.locator("#id_channel").select_option("va")
    desktop.get_by_label("Nomor referensi").fill("VA-8800123")
    desktop.get_by_label("Jumlah (Rp)").fill(str(2 * 4 * RATE))
    desktop.get_by_role("button", name="Tampilkan yang dilunasi").click()
    expect(desktop.locator("#preview")).to_contain_text("8 bulan-pekerja lunas")
    desktop.locator("button[name=record]").click()
    expect(desktop.locator(".alert-success")).to_contain_text("8 bulan-pekerja lunas")
    desktop.goto(live_server.url + reverse("billing:arrears_list"))
    expect(desktop.locator("main")).not_to_contain_text("Pemerintah Desa Tanjungsari")
    desktop.goto(live_server.url + reverse("enrollment:enrollment_detail", args=[workers[0].pk]))
    expect(desktop.locator("main")).to_contain_text("Lunas")
    assert Enrollment.objects.get(pk=workers[0].pk).paid_through == LAST_MONTH
