"""Benefit claims: recorded for a member's heirs, flagged outside a covered, paid month, paid or
refused, counted on the dashboard."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from coverage import claims
from coverage.models import Claim
from coverage.services import CoverageError
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate
from tests.factories import SIGNED_IN, TODAY, CampaignFactory, enroll, quota

pytestmark = pytest.mark.django_db

JAN, MAR = dt.date(2026, 1, 1), dt.date(2026, 3, 1)


@pytest.fixture
def member(campaign, official, agent):
    """Asep, covered from 5 January 2026 for 12 months, contributions paid through March; his wife
    Euis is his heir."""
    worker = enroll(campaign, agent, 1, full_name="Asep")
    enrollment_activate(enrollment=worker, by=official, kpj_number="25010000001", coverage_starts=TODAY)
    Enrollment.objects.filter(pk=worker.pk).update(
        coverage_starts=dt.date(2026, 1, 5), coverage_ends=dt.date(2027, 1, 5), paid_through=MAR
    )
    return Enrollment.objects.get(pk=worker.pk)


def _record(member, official, **kwargs):
    data = {
        "kind": "jkm_death",
        "event_on": dt.date(2026, 3, 20),
        "amount": None,
        "heir": None,
        "documents": [],
    }
    return claims.claim_record(enrollment=member, by=official, **{**data, **kwargs})


def test_a_jkm_claim_in_a_paid_month_is_rp_42_million_and_not_flagged(member, official):
    claim = _record(member, official, heir=member.heirs.get())
    assert (claim.amount, claim.outside_cover, claim.status) == (42_000_000, False, "submitted")


def test_a_claim_after_the_paid_months_is_flagged(member, official):
    """Sidoarjo: contributions paid only to July, death in September, the benefit stalled."""
    claim = _record(member, official, event_on=dt.date(2026, 5, 2))
    assert claim.outside_cover


def test_a_jkk_death_is_48_times_the_declared_income(member, official):
    claim = _record(member, official, kind="jkk_death")
    assert claim.amount == 48 * member.monthly_income


def test_a_scholarship_needs_three_years_after_a_death_not_from_work(member, official):
    with pytest.raises(CoverageError):
        _record(member, official, kind="scholarship", amount=1_500_000)
    _record(member, official, kind="jkk_death")
    _record(member, official, kind="scholarship", amount=1_500_000)
    _record(member, official, kind="scholarship", amount=2_000_000)
    with pytest.raises(CoverageError):  # at most two children
        _record(member, official, kind="scholarship", amount=3_000_000)


def test_membership_from_29_february_reaches_three_years_on_28_february(member, official):
    """Three years after 29 February 2020 is 28 February 2023 (the year arithmetic raised on it)."""
    Enrollment.objects.filter(pk=member.pk).update(coverage_starts=dt.date(2020, 2, 29))
    member.refresh_from_db()
    with pytest.raises(CoverageError):
        _record(member, official, kind="scholarship", amount=1_500_000, event_on=dt.date(2023, 2, 27))
    assert _record(member, official, kind="scholarship", amount=1_500_000, event_on=dt.date(2023, 2, 28))


def test_claims_are_paid_or_refused_with_a_reason_and_counted_on_the_dashboard(
    client, member, official, campaign
):
    first, second = _record(member, official), _record(member, official, kind="jkk_care", amount=5_000_000)
    claims.claim_decide(claim=first, paid=True, by=official, on=TODAY)
    with pytest.raises(CoverageError):
        claims.claim_decide(claim=second, paid=False, by=official, on=TODAY, reason=" ")
    client.force_login(official)
    response = client.get(reverse("dashboards:campaign_dashboard", args=[campaign.slug]))
    assert response.context["claims"] == {"claims": 2, "paid": 42_000_000}
    assert "2 klaim manfaat, Rp42.000.000 dibayar." in response.content.decode()


def test_an_outsider_cannot_record_or_decide(client, member, official, other_official):
    with pytest.raises(CoverageError):
        _record(member, other_official)
    claim = _record(member, official)
    client.force_login(other_official)
    assert client.get(reverse("coverage:claim_create", args=[member.pk])).status_code == 404
    assert (
        client.post(reverse("coverage:claim_decide", args=[claim.pk]), {"decision": "paid"}).status_code
        == 404
    )
    assert Claim.objects.get(pk=claim.pk).status == "submitted"


def test_the_claim_page_records_and_warns(client, member, official):
    client.force_login(official)
    response = client.post(
        reverse("coverage:claim_create", args=[member.pk]),
        {"kind": "jkm_death", "event_on": "2026-06-01", "documents": ["death_certificate"]},
        follow=True,
    )
    page = response.content.decode()
    assert "Klaim dicatat." in page and "di luar bulan yang dilindungi dan dibayar" in page
    assert Claim.objects.get().documents == ["death_certificate"]


def test_the_claim_list_pins_its_queries(client, member, official, django_assert_num_queries):
    for _ in range(3):
        _record(member, official, kind="jkk_care", amount=5_000_000)
    client.force_login(official)
    client.get(reverse("coverage:claim_list"))
    with django_assert_num_queries(
        SIGNED_IN + 4
    ):  # session, the user and their regions, totals, count, the page's claims
        client.get(reverse("coverage:claim_list"))


def test_the_claim_list_shows_each_status_and_decides_from_the_page(client, member, official):
    claim = _record(member, official, kind="jkk_care", amount=5_000_000)
    client.force_login(official)
    page = client.get(reverse("coverage:claim_list")).content.decode()
    assert "Diajukan" in page and "Tandai dibayar" in page
    client.post(
        reverse("coverage:claim_decide", args=[claim.pk]),
        {"decision": "refused", "reason": "Bukan kecelakaan kerja"},
    )
    page = client.get(reverse("coverage:claim_list")).content.decode()
    assert "Ditolak" in page and "Bukan kecelakaan kerja" in page and "Tandai dibayar" not in page


def test_erasing_a_workers_data_keeps_the_claim_without_the_heir(client, member, official):
    from enrollment.erasure import worker_erase

    claim = _record(member, official, heir=member.heirs.get())
    worker_erase(enrollment=member, by=official, reason="Permintaan ahli waris")
    claim.refresh_from_db()
    assert claim.heir is None and claim.amount == 42_000_000


def test_a_death_benefit_is_recorded_once_per_worker_through_any_enrollment(member, official, campaign):
    """Three JKM claims were once recorded and paid for one worker (Rp 126,000,000)."""
    first = _record(member, official)
    with pytest.raises(CoverageError, match="sekali per pekerja"):
        _record(member, official)
    later = CampaignFactory(organizer=campaign.organizer, status=campaign.Status.ACTIVE)
    quota(later, "32.14.16.2005")
    again = enroll(later, official, 1, full_name="Asep")  # the same worker, in another campaign
    Enrollment.objects.filter(pk=again.pk).update(
        status="active", coverage_starts=JAN, coverage_ends=dt.date(2027, 1, 1), paid_through=MAR
    )
    with pytest.raises(CoverageError):
        _record(Enrollment.objects.get(pk=again.pk), official)
    _record(member, official, kind="jkk_care", amount=5_000_000)  # care may be claimed again and again
    _record(member, official, kind="jkk_care", amount=5_000_000)

    claims.claim_decide(claim=first, paid=False, by=official, on=TODAY, reason="Salah orang")
    assert _record(member, official).status == "submitted"  # a refused one does not count
    assert Claim.objects.filter(kind="jkm_death").count() == 2


def test_the_database_refuses_a_second_death_benefit_for_a_worker(member, official):
    _record(member, official)
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            enrollment=member,
            worker=member.worker,
            kind="jkm_death",
            event_on=MAR,
            amount=1,
            recorded_by=official,
        )
