"""Overlapping cover: a worker a second campaign or funder already covers for part of the period is a
warning for the agent at entry, a flag for the official in the review queue, and a dashboard count."""

import datetime as dt

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from dashboards import summary
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate
from regions.models import Region
from tests.factories import TODAY, CampaignFactory, enroll, nik_for, quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def village_campaign(official):
    """Desa Tanjungsari's own programme, paid from its village budget, running at the same time."""
    campaign = CampaignFactory(
        name="Satu Desa Peduli Pekerja", organizer=Region.objects.get(code="32.14.16.2005"),
        created_by=official, status=Campaign.Status.ACTIVE,
    )  # fmt: skip
    quota(campaign, "32.14.16.2005", target=50)
    return campaign


@pytest.fixture
def covered(campaign, official, agent):
    """Worker 1 is active in the regency's campaign, covered from today for 12 months."""
    worker = enroll(campaign, agent, 1)
    return enrollment_activate(
        enrollment=worker, by=official, kpj_number="25010000001", coverage_starts=TODAY
    )


def _entry(quota_pk, n):
    return {
        "quota": quota_pk, "nik": nik_for(n), "full_name": "Asep", "occupation": "petani",
        "monthly_income": "1500000", "heir_name": "Euis", "heir_relationship": "spouse",
        "not_hospitalised": "on", "consent": "on",
    }  # fmt: skip


def test_the_agent_is_warned_at_entry(client, agent, covered, village_campaign):
    client.force_login(agent)
    quota_pk = village_campaign.quotas.get().pk
    response = client.post(reverse("enrollment:enrollment_create"), _entry(quota_pk, 1), follow=True)
    page = response.content.decode()
    assert "sudah terlindungi untuk sebagian periode ini oleh 1 Desa 100 Perlindungan — Purwakarta" in page
    assert Enrollment.objects.filter(campaign=village_campaign).count() == 1  # a warning, not a refusal


def test_no_warning_without_an_overlap(client, agent, covered, village_campaign):
    Campaign.objects.filter(pk=village_campaign.pk).update(
        starts_on=TODAY + dt.timedelta(days=400), ends_on=TODAY + dt.timedelta(days=700), status="active"
    )
    overlapping = Enrollment.objects.filter(worker=covered.worker).overlapping(
        Campaign.objects.get(pk=village_campaign.pk)
    )
    assert not overlapping.exists()


def test_the_official_sees_the_flag_in_the_review_queue_and_can_filter_on_it(
    client, agent, official, covered, village_campaign
):
    enroll(village_campaign, agent, 1)  # the same worker, in the village's programme
    enroll(village_campaign, agent, 2)  # another worker, covered only here
    client.force_login(official)
    response = client.get(reverse("enrollment:review_queue"))
    flagged = {e.worker.nik: e.overlap for e in response.context["page"]}
    assert flagged == {nik_for(1): True, nik_for(2): False}
    assert "Juga ditanggung kampanye lain" in response.content.decode()
    only = client.get(reverse("enrollment:review_queue"), {"overlap": "on"})
    assert [e.worker.nik for e in only.context["page"]] == [nik_for(1)]


def test_the_dashboard_counts_the_overlaps(client, agent, official, covered, village_campaign):
    enroll(village_campaign, agent, 1)
    enroll(village_campaign, agent, 2)
    summary.refresh(village_campaign)
    client.force_login(official)
    response = client.get(reverse("dashboards:campaign_dashboard", args=[village_campaign.slug]))
    overlap = next(b for b in response.context["breakdowns"] if b["dimension"] == "overlap")
    direct = Enrollment.objects.filter(campaign=village_campaign).with_overlap().filter(overlap=True).count()
    assert dict(overlap["rows"])["Juga ditanggung kampanye lain"] == direct == 1
