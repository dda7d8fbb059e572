"""Payers, bills and payments: who pays each worker, what a month's bill holds, and how payments
settle bill lines (whole worker-months, oldest first, credit kept for the next bill)."""

import pytest

from billing.bills import bills_issue
from billing.models import Bill, BillLine, Payer, Payment
from billing.services import BillingError, payer_change, payment_preview, payment_record
from campaigns.models import Campaign, FundingSource
from enrollment.models import Enrollment
from tests.billing.conftest import LAST_MONTH, THIS_MONTH, paid_as_lines_say
from tests.factories import TODAY

pytestmark = pytest.mark.django_db

RATE = 16_800


def _issue(campaign, month=LAST_MONTH):
    return bills_issue(month=month, campaigns=Campaign.objects.filter(pk=campaign.pk))


def _pay(payer, official, amount, reference="TRX-1", channel="teller"):
    return payment_record(
        payer=payer, channel=channel, reference=reference, amount=amount, paid_on=TODAY, by=official
    )


def test_each_village_of_a_village_funded_campaign_is_billed_for_its_own_workers(campaign, village_funded):
    bills = _issue(campaign)
    assert sorted((b.payer.name, b.workers, b.total) for b in bills) == [
        ("Pemerintah Desa Salammulya", 2, 2 * RATE),
        ("Pemerintah Desa Tanjungsari", 4, 4 * RATE),
    ]
    bill = next(b for b in bills if b.workers == 4)
    assert bill.payer.kind == Payer.Kind.VILLAGE and bill.payer.region.code == "32.14.16.2005"
    assert bill.due_on == LAST_MONTH.replace(day=15) and bill.number.startswith(f"TAG/{LAST_MONTH:%Y%m}/")


def test_a_second_run_bills_nothing_twice(campaign, village_funded):
    _issue(campaign)
    assert _issue(campaign) == []
    assert BillLine.objects.count() == 6


def test_a_regency_funded_campaign_has_one_payer_for_all(campaign, village_funded):
    FundingSource.objects.filter(campaign=campaign).update(kind="apbd_regency", name="APBD Purwakarta")
    bills = _issue(campaign)
    assert [(b.payer.name, b.workers) for b in bills] == [("APBD Purwakarta", 6)]
    assert bills[0].payer.region.code == "32.14"


def test_a_change_of_payer_applies_from_its_month(campaign, village_funded, official):
    company = Payer.objects.create(
        campaign=campaign, kind="company", region=campaign.organizer, name="CSR PT Taekwang", key="csr"
    )
    payer_change(enrollment=village_funded[0], payer=company, starts=THIS_MONTH, by=official)
    before, after = _issue(campaign, LAST_MONTH), _issue(campaign, THIS_MONTH)
    assert "CSR PT Taekwang" not in {b.payer.name for b in before}
    assert {b.payer.name: b.workers for b in after}["CSR PT Taekwang"] == 1


def test_a_full_payment_settles_the_bill_and_moves_paid_through(campaign, village_funded, official):
    bill = next(b for b in _issue(campaign) if b.workers == 4)
    payment, plan = _pay(bill.payer, official, 4 * RATE)
    assert (len(plan.settled), plan.unpaid, plan.credit) == (4, [], 0)
    assert all(p is payment or p == payment for _line, p in plan.settled)
    paid = Enrollment.objects.filter(pk__in=[w.pk for w in village_funded[:4]])
    assert set(paid.values_list("paid_through", flat=True)) == {LAST_MONTH}
    assert not BillLine.objects.filter(bill=bill).open().exists()


def test_a_partial_payment_pays_whole_worker_months_oldest_cover_first(campaign, village_funded, official):
    bill = next(b for b in _issue(campaign) if b.workers == 4)
    preview = payment_preview(payer=bill.payer, amount=2 * RATE + 5_000)
    assert [line.enrollment.full_name for line, _p in preview.settled] == ["Pekerja 1", "Pekerja 2"]
    assert [line.enrollment.full_name for line in preview.unpaid] == ["Pekerja 3", "Pekerja 4"]
    assert preview.credit == 5_000
    assert Payment.objects.count() == 0  # a preview records nothing
    _payment, plan = _pay(bill.payer, official, 2 * RATE + 5_000)
    assert [line.enrollment_id for line, _p in plan.settled] == [w.pk for w in village_funded[:2]]
    assert bill.payer.credit() == 5_000


def test_credit_from_an_overpayment_settles_the_next_bill(campaign, village_funded, official):
    tanjungsari = next(b for b in _issue(campaign, LAST_MONTH) if b.workers == 4).payer
    _pay(tanjungsari, official, 4 * RATE + 4 * RATE)  # two months at once
    assert tanjungsari.credit() == 4 * RATE
    _issue(campaign, THIS_MONTH)
    assert tanjungsari.credit() == 0
    paid = Enrollment.objects.filter(pk__in=[w.pk for w in village_funded[:4]])
    assert set(paid.values_list("paid_through", flat=True)) == {THIS_MONTH}


def test_a_payment_pays_the_oldest_bill_first(campaign, village_funded, official):
    _issue(campaign, LAST_MONTH)
    _issue(campaign, THIS_MONTH)
    payer = Payer.objects.get(region__code="32.14.16.2006")
    _payment, plan = _pay(payer, official, 2 * RATE)
    assert {line.bill.month for line, _p in plan.settled} == {LAST_MONTH}
    assert {line.bill.month for line in plan.unpaid} == {THIS_MONTH}


def test_the_same_reference_twice_is_refused_naming_the_payment_that_has_it(
    campaign, village_funded, official
):
    bill = _issue(campaign)[0]
    _pay(bill.payer, official, RATE, reference="KODE-0042")
    with pytest.raises(BillingError, match="KODE-0042 sudah tercatat: pembayaran Pemerintah Desa"):
        _pay(bill.payer, official, RATE, reference="KODE-0042")
    assert Payment.objects.count() == 1
    _pay(bill.payer, official, RATE, reference="KODE-0042", channel="va")  # another channel's numbering


def test_an_official_of_another_regency_cannot_record_a_payment(campaign, village_funded, other_official):
    bill = _issue(campaign)[0]
    with pytest.raises(BillingError):
        _pay(bill.payer, other_official, RATE)
    assert Payment.objects.count() == 0


def test_a_month_paid_another_way_is_not_owed_and_not_billed(campaign, village_funded, official):
    from billing.paying import month_pay
    from regions.models import Region

    month_pay(
        campaign=campaign, region=Region.objects.get(code="32.14.16.2006"), month=LAST_MONTH,
        paid_on=TODAY, by=official, channel="teller", reference="K-1",
    )  # fmt: skip
    bills = _issue(campaign)
    assert [b.workers for b in bills] == [4]  # Salammulya's month was billed and paid when recorded
    assert Bill.objects.count() == 2


def test_money_never_pays_a_later_line_while_an_older_one_stays_unpaid():
    """Oldest debt first, strictly: Rp 15.000 does not skip an unpaid Rp 20.000 month to pay a later
    Rp 10.000 one (the rate changed between them); it is kept as credit instead."""
    from billing.services import plan

    older, later = BillLine(amount=20_000), BillLine(amount=10_000)
    result = plan([older, later], [(None, 15_000)])
    assert (result.settled, result.unpaid, result.credit) == ([], [older, later], 15_000)
    paid = plan([older, later], [(None, 12_000), (None, 8_000)])  # two payments make one month
    assert [line for line, _payment in paid.settled] == [older] and paid.credit == 0


def test_a_billed_month_paid_for_an_area_settles_its_bill(campaign, village_funded, official):
    """The month paid is one record: paying a billed month by area settles the bill's lines with a
    payment, so the payer is not shown in arrears for it."""
    from billing.paying import month_pay
    from regions.models import Region

    bill = next(b for b in _issue(campaign) if b.workers == 2)
    month_pay(
        campaign=campaign, region=Region.objects.get(code="32.14.16.2006"), month=LAST_MONTH,
        paid_on=TODAY, by=official, channel="teller", reference="K-1",
    )  # fmt: skip
    assert not BillLine.objects.filter(bill=bill).open().exists()
    bill.refresh_from_db()
    assert bill.unpaid == 0 and paid_as_lines_say() == []
    assert {s.line.bill_id for s in Payment.objects.get().settlements.all()} == {bill.pk}


def test_a_worker_activated_after_the_months_bill_goes_on_a_supplementary_bill(campaign, village_funded):
    from enrollment.models import Enrollment

    Enrollment.objects.filter(pk=village_funded[3].pk).update(status="verified")  # not active yet
    first = next(b for b in _issue(campaign) if b.payer.region.code == "32.14.16.2005")
    Enrollment.objects.filter(pk=village_funded[3].pk).update(status="active")
    (supplement,) = _issue(campaign)
    assert (first.workers, supplement.workers, supplement.payer_id) == (3, 1, first.payer_id)
    assert supplement.number == f"{first.number}-2"


def test_the_daily_command_bills_every_active_campaign_once(campaign, village_funded):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("issue_bills", "--month", f"{LAST_MONTH:%Y-%m}", stdout=out)
    call_command("issue_bills", "--month", f"{LAST_MONTH:%Y-%m}", stdout=out)
    assert "Bills issued: 2 to payers, for 6 workers" in out.getvalue()
    assert "Bills issued: 0 to payers, for 0 workers" in out.getvalue()
