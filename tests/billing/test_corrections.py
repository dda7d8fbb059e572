"""Bills corrected, never changed: a new bill replaces the old (kept as issued) with the reason, for
the workers still owed that month; and a worker's payer changed from a month on."""

import pytest
from django.urls import reverse
from django.utils import translation

from billing.bills import bill_correct, bills_issue
from billing.models import Bill, BillLine, Payer, PayerChange
from billing.services import BillingError, payer_change
from campaigns.models import Campaign
from enrollment.services import enrollment_cancel
from tests.billing.conftest import LAST_MONTH, THIS_MONTH, paid_as_lines_say

pytestmark = pytest.mark.django_db
RATE = 16_800


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _issue(campaign, month=LAST_MONTH):
    bills = bills_issue(month=month, campaigns=Campaign.objects.filter(pk=campaign.pk))
    return {bill.payer.region.name: bill for bill in bills}


def test_a_worker_no_longer_covered_is_left_out_by_a_corrected_bill(campaign, village_funded, official):
    old = _issue(campaign)["Tanjungsari"]
    enrollment_cancel(enrollment=village_funded[0], by=official, reason="Meninggal sebelum bulan itu")
    new = bill_correct(bill=old, reason="Pekerja 1 meninggal", by=official)
    assert (new.replaces_id, new.workers, new.total, new.number) == (old.pk, 3, 3 * RATE, f"{old.number}-2")
    old.refresh_from_db()
    assert (old.workers, old.lines.count()) == (4, 4)  # the old bill is kept as it was issued
    assert (new.unpaid, new.paid) == (3 * RATE, 0) and paid_as_lines_say() == []
    with pytest.raises(BillingError, match=f"sudah dikoreksi: {new.number}"):
        bill_correct(bill=old, reason="lagi", by=official)


def test_a_bill_that_is_still_right_is_not_corrected(campaign, village_funded, official, other_official):
    bill = _issue(campaign)["Tanjungsari"]
    with pytest.raises(BillingError, match="masih benar"):
        bill_correct(bill=bill, reason="cek", by=official)
    with pytest.raises(BillingError, match="tidak boleh"):  # outside their area, before anything else
        bill_correct(bill=bill, reason="cek", by=other_official)
    with pytest.raises(BillingError, match="alasan"):
        bill_correct(bill=bill, reason="  ", by=official)
    assert Bill.objects.count() == 2


def test_a_change_of_payer_moves_the_worker_to_the_new_payers_next_bill(campaign, village_funded, official):
    old = _issue(campaign, THIS_MONTH)["Tanjungsari"]
    company = Payer.objects.create(
        campaign=campaign, kind="company", region=campaign.organizer, name="CSR PT Taekwang", key="csr"
    )
    payer_change(enrollment=village_funded[0], payer=company, starts=THIS_MONTH, by=official)
    bill_correct(bill=old, reason="Dibayar CSR mulai bulan ini", by=official)
    (csr_bill,) = bills_issue(month=THIS_MONTH, campaigns=Campaign.objects.filter(pk=campaign.pk))
    assert (csr_bill.payer, csr_bill.workers) == (company, 1)
    in_force = BillLine.objects.filter(month=THIS_MONTH, bill__replaced_by__isnull=True)
    assert in_force.filter(enrollment=village_funded[0]).get().bill == csr_bill  # billed once, to the company


def test_the_bill_page_corrects_and_the_printed_letter_says_why(client, campaign, village_funded, official):
    old = _issue(campaign)["Tanjungsari"]
    enrollment_cancel(enrollment=village_funded[1], by=official, reason="Pindah")
    client.force_login(official)
    page = client.post(
        reverse("billing:bill_correct", args=[old.pk]), {"reason": "Pekerja 2 pindah"}, follow=True
    )
    new = Bill.objects.get(replaces=old)
    assert page.redirect_chain[-1][0] == reverse("billing:bill_detail", args=[new.pk])
    text = page.content.decode()
    assert f"menggantikan {old.number}" in text and "Dikoreksi: Pekerja 2 pindah" in text
    assert (
        f"{new.number} menggantikannya"
        in client.get(reverse("billing:bill_detail", args=[old.pk])).content.decode()
    )


def test_an_official_moves_a_worker_to_paying_for_themselves(
    client, campaign, village_funded, official, other_official
):
    url = reverse("billing:enrollment_bills", args=[village_funded[2].pk])
    client.force_login(other_official)
    assert client.post(url, {"payer": "self", "starts": f"{THIS_MONTH:%Y-%m}"}).status_code == 404
    client.force_login(official)
    page = client.post(url, {"payer": "self", "starts": f"{THIS_MONTH:%Y-%m}"}, follow=True).content.decode()
    change = PayerChange.objects.get()
    assert (change.payer.kind, change.payer.worker_id, change.starts) == (
        "worker",
        village_funded[2].worker_id,
        THIS_MONTH,
    )
    assert "Pekerja 3 (mandiri), Desa Tanjungsari" in page
    (own,) = [
        b
        for b in bills_issue(month=THIS_MONTH, campaigns=Campaign.objects.filter(pk=campaign.pk))
        if b.payer == change.payer
    ]
    assert own.workers == 1
