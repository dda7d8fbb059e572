"""Rules a campaign keeps: its period, its organizing region, its budget, its quotas."""

import datetime as dt

import pytest
from django.urls import reverse

from campaigns.models import Campaign, Quota
from campaigns.services import AllocationError, quota_allocate, quota_import_csv
from enrollment.models import Enrollment
from enrollment.services import EnrollmentError, enrollment_activate
from regions.models import Region
from tests.factories import TODAY, CampaignFactory, OfficialFactory, enroll, quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def upcoming(purwakarta, official):
    """Activated ahead of its start, as happens: it starts in ten days."""
    campaign = CampaignFactory(
        name="1 Desa 100 Perlindungan 2027",
        organizer=Region.objects.get(code="32.14"),
        created_by=official,
        status=Campaign.Status.ACTIVE,
        starts_on=TODAY + dt.timedelta(days=10),
        ends_on=TODAY + dt.timedelta(days=375),
    )
    quota(campaign, "32.14.16.2005")
    return campaign


def test_no_enrollment_before_the_campaign_starts_or_after_it_ends(upcoming, agent):
    with pytest.raises(EnrollmentError, match="dimulai pada"):
        enroll(upcoming, agent)

    Campaign.objects.filter(pk=upcoming.pk).update(
        starts_on=TODAY - dt.timedelta(days=40), ends_on=TODAY - dt.timedelta(days=1)
    )
    upcoming.refresh_from_db()
    with pytest.raises(EnrollmentError, match="berakhir pada"):
        enroll(upcoming, agent)
    assert not Enrollment.objects.exists()


def test_the_agent_sees_an_upcoming_campaign_with_its_start_and_no_entry_button(client, upcoming, agent):
    client.force_login(agent)

    home = client.get(reverse("home")).content.decode()
    form = client.get(reverse("enrollment:enrollment_create")).context["form"]

    assert "1 Desa 100 Perlindungan 2027" in home and "dimulai pada" in home
    assert f"?quota={Quota.objects.get(campaign=upcoming).pk}" not in home
    assert list(form.fields["quota"].queryset) == []


@pytest.mark.parametrize(
    ("starts", "ends", "offered"),
    [(-40, -1, False), (10, 375, False), (-40, 0, True), (0, 375, True)],
)
def test_the_entry_offers_a_campaigns_villages_from_its_first_to_its_last_day(
    client, upcoming, agent, starts, ends, offered
):
    Campaign.objects.filter(pk=upcoming.pk).update(
        starts_on=TODAY + dt.timedelta(days=starts), ends_on=TODAY + dt.timedelta(days=ends)
    )
    client.force_login(agent)

    form = client.get(reverse("enrollment:enrollment_create")).context["form"]

    assert (list(form.fields["quota"].queryset) == [Quota.objects.get(campaign=upcoming)]) is offered


def test_quotas_lie_inside_the_organizing_region(purwakarta, official):
    province_official = OfficialFactory(regions=["32"])
    karawang = CampaignFactory(organizer=Region.objects.get(code="32.15"), created_by=province_official)

    with pytest.raises(AllocationError, match="di luar wilayah itu"):
        quota_allocate(
            campaign=karawang, user=province_official, region=Region.objects.get(code="32.14"), target=100
        )
    with pytest.raises(AllocationError, match="Karawang"):
        quota_import_csv(campaign=karawang, user=province_official, text="32.14.16.2005,100\n")
    result = quota_allocate(
        campaign=karawang, user=province_official, region=Region.objects.get(code="32"), target=1
    )

    assert result.created == Region.objects.filter(code__startswith="32.15.", level=4).count()
    assert not Quota.objects.filter(campaign=karawang, village__code__startswith="32.14.").exists()


def test_activating_over_budget_says_so_and_asks_to_confirm(client, purwakarta, official):
    campaign = CampaignFactory(
        organizer=Region.objects.get(code="32.14"), created_by=official, budget=1_000_000
    )
    quota(campaign, "32.14.16.2005", target=100)  # 100 x Rp 16.800 x 12 months = Rp 20.160.000
    client.force_login(official)
    url = reverse("campaigns:campaign_activate", args=[campaign.slug])

    page = client.get(url).content.decode()
    refused = client.post(url, follow=True)
    campaign.refresh_from_db()
    assert "melebihi anggaran" in page and "Rp20.160.000" in page.replace("\xa0", "").replace(" ", "")
    assert campaign.status == Campaign.Status.DRAFT and refused.status_code == 200

    client.post(url, {"over_budget_confirmed": "1"})
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.ACTIVE


def test_coverage_cannot_start_before_the_enrollment(purwakarta, official, agent):
    campaign = CampaignFactory(
        organizer=Region.objects.get(code="32.14"), created_by=official, status=Campaign.Status.ACTIVE
    )
    quota(campaign, "32.14.16.2005")
    enrollment = enroll(campaign, agent)

    with pytest.raises(EnrollmentError, match="sebelum pekerja didaftarkan"):
        enrollment_activate(
            enrollment=enrollment,
            by=official,
            kpj_number="25010000001",
            coverage_starts=TODAY - dt.timedelta(days=1),
        )


def test_a_mistaken_quota_is_removed_and_one_with_enrollments_is_kept(client, purwakarta, official, agent):
    campaign = CampaignFactory(
        organizer=Region.objects.get(code="32.14"), created_by=official, status=Campaign.Status.ACTIVE
    )
    used, mistaken = quota(campaign, "32.14.16.2005"), quota(campaign, "32.14.16.2006")
    enroll(campaign, agent)
    client.force_login(official)

    kept = client.post(reverse("campaigns:quota_remove", args=[campaign.slug, used.pk]), follow=True)
    client.post(reverse("campaigns:quota_remove", args=[campaign.slug, mistaken.pk]))

    assert "tidak dapat dihapus" in kept.content.decode()
    assert list(Quota.objects.filter(campaign=campaign)) == [used]
    assert mistaken.history.filter(history_type="-", history_user=official).exists()
