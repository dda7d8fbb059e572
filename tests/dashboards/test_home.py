"""Home pages: the numbers each user starts the day with, equal to direct counts in their reach."""

import pytest
from django.urls import reverse

from campaigns.models import Campaign
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate, enrollment_reject, enrollment_verify
from tests.factories import SIGNED_IN, TODAY, CampaignFactory, enroll, quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def busy(campaign, agent, official, other_official):
    """Five of Tanjungsari's workers in every state, and a Karawang campaign nobody here may see."""
    entries = [enroll(campaign, agent, n) for n in range(1, 6)]
    enrollment_verify(enrollment=entries[0], by=official)
    enrollment_activate(enrollment=entries[1], by=official, kpj_number="KPJ2", coverage_starts=TODAY)
    enrollment_reject(enrollment=entries[2], by=official, reason="Bukan warga")
    karawang = CampaignFactory(organizer=other_official.regions.get(), status=Campaign.Status.ACTIVE)
    quota(karawang, "32.15.01.1001")
    enroll(karawang, other_official, 1, code="32.15.01.1001")
    return entries


def test_an_official_sees_what_waits_for_them_and_each_campaign_s_progress(
    client, busy, official, campaign, django_assert_num_queries
):
    client.force_login(official)
    client.get(reverse("home"))

    # session, user, the user's region codes, open campaigns, the last closed ones, their sums, the
    # villages most behind, coverage ending, the payers in arrears, the user's villages and those of
    # their workers behind with contributions, the user's regions to name
    with django_assert_num_queries(SIGNED_IN + 10):
        response = client.get(reverse("home"))

    in_reach = Enrollment.objects.filter(village__code__startswith="32.14")
    assert response.context["to_verify"] == in_reach.filter(status="registered").count() == 2
    assert response.context["to_activate"] == in_reach.filter(status="verified").count() == 1
    assert [c.slug for c in response.context["campaigns"]] == [campaign.slug]
    assert response.context["campaigns"][0].progress.filled == 4
    assert response.context["ending"] == 0  # the one active worker is covered for a year
    page = response.content.decode()
    assert reverse("dashboards:campaign_dashboard", args=[campaign.slug]) in page
    assert "Desa Tanjungsari" in page  # lagging: 4 of 100


def test_the_official_s_home_costs_the_same_queries_with_more_campaigns(
    client, busy, official, django_assert_num_queries
):
    for _ in range(3):
        more = CampaignFactory(organizer=official.regions.get(), status=Campaign.Status.ACTIVE)
        quota(more, "32.14.16.2006")
    client.force_login(official)
    client.get(reverse("home"))

    with django_assert_num_queries(SIGNED_IN + 10):
        response = client.get(reverse("home"))

    assert len(response.context["campaigns"]) == 4


def test_a_closed_campaign_shows_its_final_figures_and_nothing_in_it_waits(client, busy, official, campaign):
    campaign.close(by=official)
    client.force_login(official)

    response = client.get(reverse("home"))

    assert response.context["campaigns"] == []
    assert [c.slug for c in response.context["closed"]] == [campaign.slug]
    assert response.context["to_verify"] == response.context["to_activate"] == 0
    page = response.content.decode()
    assert "Kampanye yang selesai" in page and "4 dari 200 terisi (2,0%), 1 aktif" in page


def test_an_agent_sees_their_slots_their_entries_and_what_they_can_still_correct(client, busy, agent):
    client.force_login(agent)

    response = client.get(reverse("home"))

    assert response.context["mine"] == {"today": 5, "week": 5, "correctable": 2, "rejected": 1}
    page = response.content.decode()
    assert "Desa Tanjungsari: 4 dari 100 terisi, 96 slot tersisa" in page  # 4 hold a slot
    assert "Daftarkan pekerja" in page
    # the entries they can still correct, and those rejected, one tap away in the list
    assert 'href="/enrollments/?entered_by=agen.tanjungsari&amp;status=registered"' in page
    assert 'href="/enrollments/?entered_by=agen.tanjungsari&amp;status=rejected"' in page
    assert [q.village.code for q in response.context["quotas"]] == ["32.14.16.2005"]
