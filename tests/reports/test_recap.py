"""The printable village recap: the village's enrolled workers, NIK masked, totals against the target
and baseline, headed as an official letter; whole NIKs only for an official with a purpose, logged."""

import pytest
from django.urls import reverse

from campaigns.models import Quota
from enrollment.services import enrollment_activate, enrollment_cancel
from reports.models import ExportLog
from tests.factories import TODAY, enroll, nik_for

pytestmark = pytest.mark.django_db

TANJUNGSARI = "32.14.16.2005"


@pytest.fixture
def recap_url(campaign):
    Quota.objects.filter(campaign=campaign, village__code=TANJUNGSARI).update(baseline=52)
    return reverse("reports:village_recap", args=[campaign.slug, TANJUNGSARI])


@pytest.fixture
def workers(campaign, agent, official):
    """Three enrolled in Tanjungsari (one active with a KPJ), one cancelled, one in Salammulya."""
    asep, _, _ = (
        enroll(campaign, agent, n, full_name=name) for n, name in ((1, "Asep"), (2, "Budi"), (3, "Cucu"))
    )
    enrollment_activate(enrollment=asep, by=official, kpj_number="25010000001", coverage_starts=TODAY)
    enrollment_cancel(enrollment=enroll(campaign, agent, 4, full_name="Dodi"), by=official, reason="pindah")
    enroll(campaign, official, 5, code="32.14.16.2006", full_name="Euis")


def test_the_recap_lists_the_villages_enrolled_workers_with_totals(client, official, workers, recap_url):
    client.force_login(official)
    response = client.get(recap_url)
    page = response.content.decode()
    assert [e.full_name for e in response.context["workers"]] == ["Asep", "Budi", "Cucu"]
    assert "Dodi" not in page and "Euis" not in page
    assert "PEMERINTAH KABUPATEN PURWAKARTA".lower() in page.lower()
    assert "Kecamatan Pondoksalam" in page and "Desa Tanjungsari" in page
    assert "25010000001" not in page and "25******001" in page  # the KPJ, masked: it is a JMO login
    quota = response.context["quota"]
    assert (quota.target, quota.baseline, quota.filled, quota.left) == (100, 52, 3, 97)
    assert nik_for(1) not in page and f"{nik_for(1)[:4]}********{nik_for(1)[12:]}" in page
    assert "Tanda tangan" in page


def test_an_official_shows_whole_niks_for_a_purpose_and_it_is_logged(client, official, workers, recap_url):
    client.force_login(official)
    response = client.post(recap_url, {"whole": "on", "purpose": "Verifikasi di balai desa"})
    assert nik_for(1) in response.content.decode()
    log = ExportLog.objects.get()
    assert (log.kind, log.file_format, log.row_count, log.purpose) == (
        "recap",
        "page",
        3,
        "Verifikasi di balai desa",
    )
    assert [r.code for r in log.regions.all()] == [TANJUNGSARI]


def test_an_agent_never_sees_whole_niks_on_the_recap(client, agent, workers, recap_url):
    client.force_login(agent)
    response = client.post(recap_url, {"whole": "on", "purpose": "ingin tahu"})
    assert nik_for(1) not in response.content.decode()
    assert not ExportLog.objects.exists()


def test_an_outsider_gets_404(client, other_official, workers, recap_url):
    client.force_login(other_official)
    assert client.get(recap_url).status_code == 404


def test_the_recap_costs_a_fixed_number_of_queries(
    client, official, workers, recap_url, django_assert_max_num_queries
):
    client.force_login(official)
    client.get(recap_url)
    with django_assert_max_num_queries(12):
        client.get(recap_url)
