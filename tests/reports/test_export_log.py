"""The export log: administrators see every export; officials those of their area and their own."""

import pytest
from django.urls import reverse

from regions.models import Region
from reports.models import ExportLog
from reports.services import export_log_start
from tests.factories import SIGNED_IN, AdminFactory, nik_for

pytestmark = pytest.mark.django_db

LOG = reverse("reports:export_log")


@pytest.fixture
def logs(official, other_official, agent):
    def export(user, code, **kwargs):
        return export_log_start(
            user=user, kind="enrollments", file_format="csv", area=[Region.objects.get(code=code)], **kwargs
        )

    return {
        "purwakarta": export(official, "32.14", whole=True, purpose="Rekonsiliasi"),
        "agent": export(agent, "32.14.16.2005"),
        "karawang": export(other_official, "32.15"),
    }


def test_an_official_sees_the_exports_of_their_area(client, official, logs):
    client.force_login(official)
    response = client.get(LOG)
    assert set(response.context["page"].object_list) == {logs["purwakarta"], logs["agent"]}
    page = response.content.decode()
    assert "Rekonsiliasi" in page and "Utuh" in page


def test_an_administrator_sees_every_export(client, logs):
    client.force_login(AdminFactory())
    response = client.get(LOG)
    assert set(response.context["page"].object_list) == set(logs.values())


def test_an_agent_gets_403(client, agent, logs):
    client.force_login(agent)
    assert client.get(LOG).status_code == 403


def test_the_log_costs_a_fixed_number_of_queries(client, official, logs, django_assert_num_queries):
    client.force_login(official)
    client.get(LOG)
    with django_assert_num_queries(
        SIGNED_IN + 4
    ):  # session, the user and their regions, count, page, their areas
        client.get(LOG)


def test_odd_filters_are_recorded_without_nul_bytes_or_a_nik(official):
    log = export_log_start(
        user=official,
        kind="progress",
        file_format="csv",
        area=[],
        filters={"level": ["vil\x00lage"], "q\x00": ["3214161508950001" + "x" * 500]},
    )
    log.refresh_from_db()
    assert log.filters == {"level": ["village"], "q": ["3214********0001" + "x" * 184]}


def test_the_log_records_the_filters_applied_and_an_unknown_filter_is_refused(client, official, campaign):
    client.force_login(official)
    url = reverse("reports:enrollment_export")
    data = {"file_format": "csv", "columns": ["name"], "purpose": ""}

    refused = client.post(f"{url}?village=32.14.16.2005", data, follow=True)

    assert "tidak mengenal filter ini" in refused.content.decode() and "village" in refused.content.decode()
    assert not ExportLog.objects.exists()  # nothing went out

    response = client.post(f"{url}?status=active&occupation=&after=99&region=32.14.16", data)
    b"".join(response.streaming_content)
    assert ExportLog.objects.get().filters == {"region": ["32.14.16"], "status": ["active"]}


def test_a_nik_or_phone_in_the_purpose_is_masked_in_the_log(client, official, campaign):
    client.force_login(official)
    purpose = f"Cocokkan {nik_for(2)} dan 0812-3456-7890 dengan daftar BPJS"
    data = {"file_format": "csv", "columns": ["name"], "whole": "on", "purpose": purpose}
    b"".join(client.post(reverse("reports:enrollment_export"), data).streaming_content)
    assert (
        ExportLog.objects.get().purpose
        == f"Cocokkan {nik_for(2)[:4]}********{nik_for(2)[12:]} dan 081******90 dengan daftar BPJS"
    )
