"""Renewal in bulk from the coverage-ending list: quota rules apply, the report says who was not
renewed and why, and a renewed worker is not offered renewal again."""

import datetime as dt

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from enrollment.models import Enrollment
from enrollment.services import EnrollmentError, enrollment_activate, enrollment_renew
from regions.models import Region
from tests.factories import TODAY, CampaignFactory, enroll, quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def ending(campaign, official, agent):
    """Three active workers in Tanjungsari and one in Salammulya whose coverage ends in two weeks."""
    workers = [enroll(campaign, agent, n, full_name=f"Pekerja {n}") for n in (1, 2, 3)]
    workers.append(enroll(campaign, official, 4, code="32.14.16.2006", full_name="Pekerja 4"))
    for n, worker in enumerate(workers):
        enrollment_activate(
            enrollment=worker, by=official, kpj_number=f"2501000000{n}", coverage_starts=TODAY
        )
    Enrollment.objects.update(coverage_ends=TODAY + dt.timedelta(days=14))
    return workers


@pytest.fixture
def next_year(official):
    """The 2027 campaign: 2 slots in Tanjungsari, none in Salammulya."""
    campaign = CampaignFactory(
        name="1 Desa 100 Perlindungan 2027", organizer=Region.objects.get(code="32.14"),
        created_by=official, status=Campaign.Status.ACTIVE,
    )  # fmt: skip
    quota(campaign, "32.14.16.2005", target=2)
    return campaign


def test_bulk_renewal_renews_what_the_quota_allows_and_says_why_not_the_rest(
    client, official, ending, next_year
):
    client.force_login(official)
    response = client.post(
        reverse("enrollment:renew_bulk"),
        {"campaign": next_year.pk, "selected": [e.pk for e in ending]},
        follow=True,
    )
    page = response.content.decode()
    renewed = Enrollment.objects.filter(campaign=next_year)
    assert {e.renewed_from_id for e in renewed} == {ending[0].pk, ending[1].pk}
    assert "2 pekerja diperpanjang ke 1 Desa 100 Perlindungan 2027: Pekerja 1, Pekerja 2." in page
    assert "Pekerja 3: Desa Tanjungsari penuh" in page
    assert "Pekerja 4: Desa Salammulya tidak punya kuota di kampanye ini." in page


def test_an_outsiders_worker_in_the_selection_is_left_alone(client, other_official, ending, next_year):
    client.force_login(other_official)
    client.post(reverse("enrollment:renew_bulk"), {"campaign": next_year.pk, "selected": [ending[0].pk]})
    assert not Enrollment.objects.filter(campaign=next_year).exists()


def test_a_renewed_worker_is_not_offered_renewal_again(client, official, ending, next_year):
    enrollment_renew(enrollment=ending[0], campaign=next_year, by=official)
    other = CampaignFactory(organizer=Region.objects.get(code="32.14"), created_by=official, status="active")
    quota(other, "32.14.16.2005")
    assert not Enrollment.objects.get(pk=ending[0].pk).can_renew(official)
    with pytest.raises(EnrollmentError, match="sudah diperpanjang"):
        enrollment_renew(enrollment=Enrollment.objects.get(pk=ending[0].pk), campaign=other, by=official)
    client.force_login(official)
    response = client.get(reverse("enrollment:expiring_list"))
    row = next(e for e in response.context["page"] if e.pk == ending[0].pk)
    assert row.renewed
    assert "Sudah diperpanjang." in response.content.decode()


def test_a_cancelled_renewal_offers_renewal_again(client, official, ending, next_year):
    """Renewed means an open renewal (open_renewals_of): one withdrawn leaves the worker to renew."""
    from enrollment.services import enrollment_cancel

    renewal = enrollment_renew(enrollment=ending[0], campaign=next_year, by=official)
    enrollment_cancel(enrollment=renewal, by=official, reason="Salah kampanye")
    assert Enrollment.objects.get(pk=ending[0].pk).can_renew(official)
    client.force_login(official)
    row = next(
        e for e in client.get(reverse("enrollment:expiring_list")).context["page"] if e.pk == ending[0].pk
    )
    assert not row.renewed


def test_lapsed_workers_are_renewed_from_the_list_of_workers_behind(client, official, ending, next_year):
    Enrollment.objects.update(paid_through=dt.date(2020, 1, 1))  # long behind
    client.force_login(official)
    page = client.get(reverse("coverage:behind_list"))
    assert next_year in page.context["targets"]
    response = client.post(
        reverse("enrollment:renew_bulk"),
        {"campaign": next_year.pk, "selected": [ending[0].pk], "next": reverse("coverage:behind_list")},
    )
    assert response["Location"] == reverse("coverage:behind_list")
    assert Enrollment.objects.get(campaign=next_year).renewed_from_id == ending[0].pk


def test_the_list_narrows_to_a_village_to_renew_all_of_it(client, official, ending, next_year):
    client.force_login(official)
    response = client.get(reverse("enrollment:expiring_list"), {"region": "32.14.16.2006"})
    assert [e.pk for e in response.context["page"]] == [ending[3].pk]
