"""Months paid, in bulk for an area: paid-through, lapse states at month boundaries, rates, scope."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from billing.models import Payment
from billing.paying import month_pay
from billing.services import BillingError
from campaigns.models import ContributionRate, FundingSource, add_months, month_of
from coverage import services
from coverage.models import Contribution
from enrollment.lapse import CoverageState
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate
from regions.models import Region
from tests.factories import TODAY, enroll, quota

pytestmark = pytest.mark.django_db

JAN, FEB, MAR, APR, MAY = (dt.date(2026, m, 1) for m in range(1, 6))


@pytest.fixture
def active(campaign, official, agent):
    """Three active workers in Tanjungsari, one in Salammulya (all of Kec. Pondoksalam), covered from
    January 2026 for 12 months, paid through January."""
    campaign.starts_on = dt.date(2025, 12, 1)
    campaign.save(update_fields=["starts_on"])
    workers = [enroll(campaign, agent, n) for n in (1, 2, 3)]
    workers.append(enroll(campaign, official, 4, code="32.14.16.2006"))
    for n, worker in enumerate(workers):
        enrollment_activate(
            enrollment=worker, by=official, kpj_number=f"2501000000{n}", coverage_starts=TODAY
        )
    Enrollment.objects.update(
        coverage_starts=dt.date(2026, 1, 5), coverage_ends=dt.date(2027, 1, 5), paid_through=JAN
    )
    return workers


def _state(enrollment, today):
    return Enrollment.objects.get(pk=enrollment.pk).coverage_state(today)


def _pay(campaign, code, month, by, reference=None):
    """The month paid for the area by its payer, by transfer with a reference of its own."""
    paid, _payment = month_pay(
        campaign=campaign, region=Region.objects.get(code=code), month=month, paid_on=TODAY, by=by,
        channel="transfer", reference=reference or f"TRF-{code}-{month:%Y%m}",
    )  # fmt: skip
    return paid


@pytest.mark.parametrize(
    ("today", "state"),
    [
        (dt.date(2026, 2, 27), CoverageState.PAID),  # February is under way, not yet unpaid
        (dt.date(2026, 3, 1), CoverageState.LAPSING),  # February ended unpaid
        (dt.date(2026, 4, 1), CoverageState.AT_RISK),
        (dt.date(2026, 4, 30), CoverageState.AT_RISK),
        (dt.date(2026, 5, 1), CoverageState.LAPSED),
        (dt.date(2026, 12, 1), CoverageState.LAPSED),
        (dt.date(2027, 2, 1), None),  # coverage over
    ],
)
def test_lapse_states_at_month_boundaries(active, today, state):
    assert _state(active[0], today) == state
    in_state = Enrollment.objects.in_coverage_state(state, today) if state and state != "paid" else None
    if in_state is not None:
        assert active[0] in in_state and in_state.count() == 4


def test_a_late_payment_of_the_missing_months_recovers_a_lapsed_worker(campaign, official, active):
    may_10 = dt.date(2026, 5, 10)
    assert _state(active[0], may_10) == CoverageState.LAPSED
    for month in (FEB, MAR, APR):
        _pay(campaign, "32.14.16", month, official)
    assert _state(active[0], may_10) == CoverageState.PAID
    assert Enrollment.objects.get(pk=active[0].pk).paid_through == APR


def test_paying_a_later_month_first_waits_for_the_gap_then_catches_up(campaign, official, active):
    _pay(campaign, "32.14.16", MAR, official)
    assert Enrollment.objects.get(pk=active[0].pk).paid_through == JAN  # February is still owed
    _pay(campaign, "32.14.16", FEB, official)
    assert Enrollment.objects.get(pk=active[0].pk).paid_through == MAR


def test_a_month_is_paid_once_and_the_report_says_so(campaign, official, active):
    first = _pay(campaign, "32.14.16.2005", FEB, official)
    assert (first.to_pay, first.already_paid, first.amount) == (3, 0, 3 * 16_800)
    again = _pay(campaign, "32.14.16", FEB, official)
    assert (again.to_pay, again.already_paid) == (1, 3)  # only Salammulya's worker was still due
    assert Contribution.objects.filter(month=FEB).count() == 4
    with pytest.raises(BillingError, match="sudah dibayar"):
        _pay(campaign, "32.14.16", FEB, official, reference="TRF-LAGI")


def test_a_month_is_recorded_as_the_payers_payment_with_its_reference(campaign, official, active):
    _pay(campaign, "32.14.16", FEB, official)
    payment = Payment.objects.get()
    assert (payment.reference, payment.amount, payment.payer.name) == (
        "TRF-32.14.16-202602", 4 * 16_800, "Pemerintah Kabupaten Purwakarta",
    )  # fmt: skip
    assert payment.settlements.count() == 4  # each month paid is a settled line of the payer's bill
    with pytest.raises(BillingError, match=re.escape("TRF-32.14.16-202602 sudah tercatat")):
        month_pay(
            campaign=campaign, region=Region.objects.get(code="32.14.16"), month=MAR, paid_on=TODAY,
            by=official, channel="transfer", reference="TRF-32.14.16-202602",
        )  # fmt: skip


def test_months_owed_by_two_payers_are_refused_naming_them(campaign, official, active):
    csr = FundingSource.objects.create(campaign=campaign, name="CSR PT Taekwang", kind="csr")
    Enrollment.objects.filter(pk=active[0].pk).update(funding_source=csr)
    with pytest.raises(BillingError, match=r"2 pembayar .*CSR PT Taekwang"):
        _pay(campaign, "32.14.16", FEB, official)
    assert not Payment.objects.exists() and not Contribution.objects.exists()


def test_the_rate_in_force_for_the_month_and_funding_kind_is_charged(campaign, official, active):
    csr = FundingSource.objects.create(campaign=campaign, name="CSR PT Taekwang", kind="csr")
    Enrollment.objects.filter(pk__in=[w.pk for w in active[:3]]).update(funding_source=csr)
    ContributionRate.objects.create(campaign=campaign, starts_on=APR, funding_kind="csr", amount=8_400)
    for month in (FEB, MAR):
        _pay(campaign, "32.14.16.2005", month, official)
    april = _pay(campaign, "32.14.16.2005", APR, official)
    assert april.amount == 3 * 8_400
    assert Contribution.objects.get(enrollment=active[0], month=APR).amount == 8_400
    assert Contribution.objects.get(enrollment=active[0], month=MAR).amount == 16_800


def test_payments_stay_inside_the_officials_area(campaign, official, other_official, active):
    with pytest.raises(services.CoverageError):
        _pay(campaign, "32.14.16", FEB, other_official)
    quota(campaign, "32.15.01.1001")
    with pytest.raises(services.CoverageError):
        _pay(campaign, "32.15", FEB, official)
    assert not Contribution.objects.exists()


def test_agents_cannot_record_payments(client, agent, campaign, active):
    with pytest.raises(services.CoverageError):
        _pay(campaign, "32.14.16.2005", FEB, agent)
    client.force_login(agent)
    assert client.get(reverse("billing:months_paid")).status_code == 403


def test_the_payment_page_checks_first_then_records(client, official, campaign, active):
    client.force_login(official)
    url = reverse("billing:months_paid")
    data = {
        "campaign": campaign.pk, "region": "32.14.16", "month": "2026-02", "paid_on": TODAY.isoformat(),
        "channel": "transfer", "reference": "SP2D-0042",
    }  # fmt: skip
    checked = client.post(url, {**data, "preview": "1"})
    assert "4 pekerja akan dicatat" in checked.content.decode()
    assert not Contribution.objects.exists()
    recorded = client.post(url, {**data, "record": "1"}, follow=True).content.decode()
    assert (
        "Februari 2026 dicatat lunas oleh Pemerintah Kabupaten Purwakarta untuk 4 pekerja di Kec. Pondoksalam"
        in recorded
    )
    assert "referensi SP2D-0042" in recorded
    assert Contribution.objects.count() == 4
    again = client.post(url, {**data, "month": "2026-03", "record": "1"}).content.decode()
    assert "SP2D-0042 sudah tercatat" in again and Contribution.objects.count() == 4


def _covering_today(paid_months_ago: int = 6) -> dt.date:
    """Every enrollment's cover moved around today: from 6 months ago for a year, paid through the
    month `paid_months_ago` months back (6: its first month, so lapsed by now). Returns that month."""
    started = add_months(month_of(TODAY), -6)
    paid_through = add_months(month_of(TODAY), -paid_months_ago)
    Enrollment.objects.update(
        coverage_starts=started, coverage_ends=add_months(started, 12), paid_through=paid_through
    )
    return paid_through


def test_the_behind_list_shows_the_agents_workers_to_chase(client, agent, official, campaign, active):
    _covering_today()
    Enrollment.objects.filter(pk=active[3].pk).update(paid_through=add_months(month_of(TODAY), -7))
    client.force_login(agent)
    response = client.get(reverse("coverage:behind_list"))
    shown = {e.pk for e in response.context["page"]}
    assert shown == {e.pk for e in active[:3]}  # Salammulya's worker is not in the agent's village
    assert "Putus (3 bulan atau lebih belum dibayar)" in response.content.decode()


def test_the_enrollment_page_shows_paid_through_and_the_state(client, official, active):
    paid_through = _covering_today()
    client.force_login(official)
    page = client.get(reverse("enrollment:enrollment_detail", args=[active[0].pk])).content.decode()
    with translation.override("id"):
        assert f"lunas sampai {date_format(paid_through, 'YEAR_MONTH_FORMAT')}" in page
    assert "Putus (3 bulan atau lebih belum dibayar)" in page


def test_home_pages_and_the_dashboard_count_the_workers_behind(client, agent, official, campaign, active):
    from dashboards import summary

    today = timezone.localdate()
    _covering_today()
    Enrollment.objects.filter(pk=active[3].pk).update(paid_through=dt.date(today.year, today.month, 1))
    direct = Enrollment.objects.for_user(agent).behind(today).count()
    client.force_login(agent)
    assert client.get(reverse("home")).context["behind"] == direct == 3
    client.force_login(official)
    assert client.get(reverse("home")).context["behind"] == 3  # Salammulya's worker has paid this month
    summary.refresh(campaign)
    dashboard = client.get(reverse("dashboards:campaign_dashboard", args=[campaign.slug]))
    contributions = next(b for b in dashboard.context["breakdowns"] if b["dimension"] == "coverage")
    assert dict(contributions["rows"]) == {"Putus (3 bulan atau lebih belum dibayar)": 3, "Lunas": 1}


@pytest.mark.parametrize("who", ["agent", "official", "other_official"])
def test_the_village_list_scope_is_for_users_scope(request, who, active):
    user = request.getfixturevalue(who)
    assert set(Enrollment.objects.for_user_by_villages(user)) == set(Enrollment.objects.for_user(user))


def _upload(client, campaign, text):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile("iuran.csv", text.encode(), content_type="text/csv")
    data = {
        "campaign": campaign.pk, "paid_on": TODAY.isoformat(), "file": file, "channel": "teller",
        "reference": "BUKTI-7",
    }  # fmt: skip
    return client.post(reverse("billing:months_file"), data, follow=True)


def test_a_file_of_nik_and_month_lines_records_those_months(client, official, campaign, active):
    from tests.factories import nik_for

    client.force_login(official)
    text = (
        f"nik,bulan\n{nik_for(1)},2026-02\n{nik_for(1)},03/2026\n{nik_for(2)};2026-02\n{nik_for(2)},2026-02\n"
    )
    page = _upload(client, campaign, text.replace(";", ",")).content.decode()
    assert "3 bulan dicatat lunas oleh Pemerintah Kabupaten Purwakarta" in page
    assert Payment.objects.get().reference == "BUKTI-7"
    assert Enrollment.objects.get(pk=active[0].pk).paid_through == MAR
    assert Enrollment.objects.get(pk=active[1].pk).paid_through == FEB


def test_one_bad_line_records_nothing_and_names_the_line(client, official, other_official, campaign, active):
    from tests.factories import nik_for

    client.force_login(official)
    text = f"{nik_for(1)},2026-02\n{nik_for(9)},2026-02\n{nik_for(2)},2025-11\n12345,2026-02\n{nik_for(2)},2031-01\n"
    page = _upload(client, campaign, text).content.decode()
    assert "baris 2: tidak ada pekerja aktif kampanye ini di wilayah Anda dengan NIK ini" in page
    assert "baris 3: pekerja tidak terlindungi pada November 2025" in page
    assert "baris 4: 12345 bukan NIK 16 digit" in page
    assert "baris 5: catat pembayaran untuk bulan yang sudah tiba" in page
    assert not Contribution.objects.exists()
    client.force_login(other_official)  # a campaign with nothing in their area is not theirs to choose
    response = _upload(client, campaign, f"{nik_for(1)},2026-02\n")
    assert "campaign" in response.context["upload"].errors
    assert not Contribution.objects.exists()


def test_months_far_ahead_are_refused(campaign, official, active):
    from enrollment.models import add_months

    with pytest.raises(services.CoverageError):
        _pay(campaign, "32.14.16", add_months(TODAY.replace(day=1), 2), official)
