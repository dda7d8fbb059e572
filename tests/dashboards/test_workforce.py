"""Officials record the estimated informal workforce of their regions, one by one or from a CSV."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dashboards.models import WorkforceEstimate

pytestmark = pytest.mark.django_db


def upload(client, text: str):
    file = SimpleUploadedFile("tenaga.csv", text.encode(), content_type="text/csv")
    return client.post(reverse("dashboards:workforce_estimates"), {"upload": "1", "file": file})


def test_an_official_records_and_changes_an_estimate_and_history_keeps_the_first(client, official):
    client.force_login(official)
    url = reverse("dashboards:workforce_estimates")

    client.post(url, {"save": "1", "region": "32.14", "informal_workers": "150000", "source": "BPS"})
    client.post(url, {"save": "1", "region": "32.14", "informal_workers": "152000", "source": "BPS 2025"})

    estimate = WorkforceEstimate.objects.get(region__code="32.14")
    assert (estimate.informal_workers, estimate.source, estimate.recorded_by) == (
        152000,
        "BPS 2025",
        official,
    )
    assert [h.informal_workers for h in estimate.history.order_by("history_date")] == [150000, 152000]
    assert "152.000" in client.get(url).content.decode()


def test_a_region_outside_reach_is_refused_by_name(client, official):
    client.force_login(official)

    response = client.post(
        reverse("dashboards:workforce_estimates"), {"save": "1", "region": "32.15", "informal_workers": "9"}
    )

    assert list(response.context["form"].errors) == ["region"]
    assert not WorkforceEstimate.objects.exists()


def test_a_csv_sets_every_line_or_none_and_names_each_bad_line(client, official):
    client.force_login(official)

    refused = upload(client, "kode,jumlah\n32.14.16,9000\n32.15,100\n32.14.01;abc\n")
    assert not WorkforceEstimate.objects.exists()
    errors = refused.context["upload"].errors["file"]
    assert any("baris 3" in e and "32.15" in e for e in errors)
    assert any("baris 4" in e for e in errors)

    saved = upload(client, "kode,jumlah,sumber\n32.14.16,9000,Sensus desa\n32.14.01,12000\n")
    assert saved.status_code == 302
    assert dict(WorkforceEstimate.objects.values_list("region__code", "informal_workers")) == {
        "32.14.16": 9000,
        "32.14.01": 12000,
    }


def test_agents_may_not_record_estimates(client, agent):
    client.force_login(agent)

    assert client.get(reverse("dashboards:workforce_estimates")).status_code == 403
