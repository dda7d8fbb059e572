"""Cover that has ended is never shown as "Aktif": 117 demo workers whose cover ended on 1 December
still read "Aktif" and left the renewal list the day they ended."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import Campaign
from dashboards import summary
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate, enrollment_renew
from tests.factories import TODAY, CampaignFactory, enroll, quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def ended(campaign, official, agent):
    """Two active workers of Tanjungsari: Pekerja 1's cover ended yesterday, Pekerja 2's runs on."""
    workers = [enroll(campaign, agent, n, full_name=f"Pekerja {n}") for n in (1, 2)]
    for n, worker in enumerate(workers):
        enrollment_activate(
            enrollment=worker, by=official, kpj_number=f"2501000000{n}", coverage_starts=TODAY
        )
    Enrollment.objects.filter(pk=workers[0].pk).update(
        coverage_starts=TODAY - dt.timedelta(days=366), coverage_ends=TODAY - dt.timedelta(days=1)
    )
    return workers


def test_ended_cover_shows_as_ended_on_the_list_the_filter_and_the_workers_page(client, official, ended):
    client.force_login(official)
    listing = client.get(reverse("enrollment:enrollment_list")).content.decode()
    badges = re.findall(r'<span class="badge [^"]*">([^<]*)</span>', listing)
    assert sorted(badges) == ["Aktif", "Kepesertaan berakhir"]

    as_active = client.get(reverse("enrollment:enrollment_list"), {"status": "active"})
    as_ended = client.get(reverse("enrollment:enrollment_list"), {"status": "ended"})
    assert [e.full_name for e in as_active.context["page"]] == ["Pekerja 2"]
    assert [e.full_name for e in as_ended.context["page"]] == ["Pekerja 1"]

    page = client.get(reverse("enrollment:enrollment_detail", args=[ended[0].pk])).content.decode()
    assert "Kepesertaan berakhir" in page


def test_the_export_says_ended(client, official, ended):
    client.force_login(official)
    response = client.post(
        reverse("reports:enrollment_export"), {"file_format": "xlsx", "columns": ["name", "status"]}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = {row[0]: row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows == {"Pekerja 1": "Kepesertaan berakhir", "Pekerja 2": "Aktif"}


def test_ended_cover_stays_on_the_renewal_list_until_renewed(client, official, ended, campaign):
    client.force_login(official)
    listed = client.get(reverse("enrollment:expiring_list"))
    assert [e.full_name for e in listed.context["page"]] == ["Pekerja 1"]
    assert "Kepesertaan berakhir" in listed.content.decode()

    later = CampaignFactory(organizer=campaign.organizer, status=Campaign.Status.ACTIVE, name="Lanjutan")
    quota(later, "32.14.16.2005")
    enrollment_renew(enrollment=ended[0], campaign=later, by=official)

    assert list(client.get(reverse("enrollment:expiring_list")).context["page"]) == []


def test_renewal_offers_only_campaigns_the_worker_is_not_in(client, official, ended, campaign):
    later = CampaignFactory(organizer=campaign.organizer, status=Campaign.Status.ACTIVE, name="Lanjutan")
    quota(later, "32.14.16.2005")
    enroll(later, official, 1, full_name="Pekerja 1")  # already signed up for it another way
    client.force_login(official)
    (row,) = client.get(reverse("enrollment:expiring_list")).context["page"]
    assert row.renew_options == []


def test_the_dashboard_counts_ended_cover_apart(client, official, ended, campaign):
    summary.refresh(campaign)
    client.force_login(official)
    dashboard = client.get(reverse("dashboards:campaign_region_dashboard", args=[campaign.slug, "32.14"]))
    contributions = next(b for b in dashboard.context["breakdowns"] if b["dimension"] == "coverage")
    assert dict(contributions["rows"]) == {"Kepesertaan berakhir": 1, "Lunas": 1}
