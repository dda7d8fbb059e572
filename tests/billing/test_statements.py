"""A bank statement matched to the payers' bills: each row's category before anything is recorded,
the matched rows recorded as payments on confirmation, and the whole undone the same day."""

import pytest
from django.urls import reverse
from django.utils import translation

from billing.bills import bills_issue
from billing.models import BillLine, Payment
from billing.services import payment_record
from campaigns.models import Campaign, add_months
from enrollment.models import Enrollment
from imports import registered, services
from imports.models import ImportBatch
from regions.models import Region
from tests.billing.conftest import LAST_MONTH, paid_as_lines_say
from tests.factories import TODAY

pytestmark = pytest.mark.django_db
RATE = 16_800
DAY = f"{TODAY:%d/%m/%Y}"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


@pytest.fixture
def bills(campaign, village_funded):
    issued = bills_issue(month=LAST_MONTH, campaigns=Campaign.objects.filter(pk=campaign.pk))
    return {bill.payer.region.name: bill for bill in issued}


def _statement(campaign, official, text):
    batch = services.import_upload(
        kind="statement", campaign=campaign, data=text.encode(), file_name="rekening.csv", by=official,
        region=Region.objects.get(code="32.14"),
    )  # fmt: skip
    return registered.check(batch)


def _examples(batch, category):
    return [(row, reference, note) for row, reference, _who, note, _id in batch.summary["examples"][category]]


def test_each_row_is_sorted_before_anything_is_recorded(campaign, official, bills):
    tanjungsari = bills["Tanjungsari"]
    batch = _statement(
        campaign, official,
        "Tanggal;Keterangan;No. Referensi;Kredit\n"
        f"{DAY};TRF IURAN BPU {tanjungsari.number};TRX-1;67.200,00\n"  # 2: the bill number in the description
        f"{DAY};SETORAN PEMERINTAH DESA SALAMMULYA;TRX-2;Rp 33.600\n"  # 3: the payer's name
        f"{DAY};PEMERINTAH DESA;TRX-3;16.800\n"  # 4: both villages' names
        f"{DAY};TRANSFER MASUK;TRX-4;99.999\n"  # 5: nobody owes this
        f"{DAY};TRF IURAN BPU;TRX-1;67.200\n"  # 6: the same reference again
        f"{DAY};BIAYA ADMIN;TRX-5;-5.000\n"  # 7: money going out
        f"31/02/2026;TRF;TRX-6;16.800\n",  # 8: no such day
    )  # fmt: skip
    assert batch.state == ImportBatch.State.CHECKED
    assert batch.summary["counts"] == {
        "matched": 2,
        "ambiguous": 1,
        "unknown": 1,
        "recorded": 0,
        "problem": 3,
    }
    matched = batch.summary["examples"]["matched"]
    assert [(row, who) for row, _ref, who, _note, _id in matched] == [
        (2, "Pemerintah Desa Tanjungsari"),
        (3, "Pemerintah Desa Salammulya"),
    ]
    assert "melunasi tagihan ini" in matched[0][3]  # the bill it names
    assert "membayar seluruh tunggakannya" in matched[1][3]  # all the payer owes
    assert "bisa 2 pembayar" in _examples(batch, "ambiguous")[0][2]
    assert [row for row, _ref, _note in _examples(batch, "problem")] == [6, 7, 8]
    assert "baris 2" in _examples(batch, "problem")[0][2]
    assert Payment.objects.count() == 0  # the dry run records nothing


def test_confirming_records_the_matched_payments_and_restores_the_workers(
    campaign, official, bills, village_funded
):
    tanjungsari = bills["Tanjungsari"]
    batch = _statement(
        campaign, official,
        f"referensi,jumlah,tanggal,no_tagihan\nTRX-1,{4 * RATE},{DAY},{tanjungsari.number}\nTRX-9,5,{DAY},\n",
    )  # fmt: skip
    registered.commit(batch, by=official)
    batch.refresh_from_db()
    assert (batch.state, batch.enrolled) == (ImportBatch.State.DONE, 1)
    payment = Payment.objects.get()
    assert (payment.reference, payment.amount, payment.channel, payment.payer_id) == (
        "TRX-1", 4 * RATE, "transfer", tanjungsari.payer_id,
    )  # fmt: skip
    paid = Enrollment.objects.filter(pk__in=[w.pk for w in village_funded[:4]])
    assert set(paid.values_list("paid_through", flat=True)) == {LAST_MONTH}

    again = _statement(campaign, official, f"referensi,jumlah,tanggal\nTRX-1,{4 * RATE},{DAY}\n")
    assert again.summary["counts"]["recorded"] == 1 and again.valid == 0  # a statement uploaded twice

    tanjungsari.refresh_from_db()
    assert tanjungsari.unpaid == 0 and paid_as_lines_say() == []
    assert registered.undo(batch=batch, by=official, reason="rekening bulan lain") == 1
    tanjungsari.refresh_from_db()
    assert tanjungsari.unpaid == 4 * RATE and paid_as_lines_say() == []
    assert Payment.objects.count() == 0
    assert BillLine.objects.filter(bill=tanjungsari).open().count() == 4
    assert set(paid.values_list("paid_through", flat=True)) == {add_months(LAST_MONTH, -1)}


def test_a_reference_recorded_by_hand_since_the_dry_run_is_not_recorded_twice(campaign, official, bills):
    tanjungsari = bills["Tanjungsari"]
    batch = _statement(
        campaign, official, f"referensi,jumlah,tanggal,no_tagihan\nTRX-1,{RATE},{DAY},{tanjungsari.number}\n"
    )
    payment_record(
        payer=tanjungsari.payer,
        channel="transfer",
        reference="TRX-1",
        amount=RATE,
        paid_on=TODAY,
        by=official,
    )
    registered.commit(batch, by=official)
    assert Payment.objects.count() == 1


def test_a_statement_without_the_amount_asks_for_its_column(campaign, official, bills):
    batch = _statement(campaign, official, f"referensi,tanggal\nTRX-1,{DAY}\n")
    assert batch.state == ImportBatch.State.MAPPING
    assert "Jumlah" in batch.error


def test_bills_of_another_regency_are_not_matched(campaign, other_official, bills):
    batch = _statement(
        campaign,
        other_official,
        f"referensi,jumlah,tanggal,no_tagihan\nX,{RATE},{DAY},{bills['Tanjungsari'].number}\n",
    )
    assert batch.summary["counts"]["matched"] == 0


def test_the_statement_pages_are_for_officials(client, official, agent):
    client.force_login(agent)
    assert client.get(reverse("imports:new") + "?kind=statement").status_code == 403
    client.force_login(official)
    page = client.get(reverse("imports:new") + "?kind=statement")
    assert "Cocokkan rekening koran" in page.content.decode()
    blank = client.get(reverse("imports:template") + "?kind=statement&format=csv")
    assert blank.content.decode("utf-8-sig").startswith("referensi;jumlah;tanggal;no_tagihan")
