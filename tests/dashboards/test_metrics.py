"""/metrics: the operator's figures in Prometheus's format, for a token or an administrator only."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.factories import AdminFactory, enroll

pytestmark = pytest.mark.django_db


def figure(text: str, name: str) -> float:
    line = next(
        line for line in text.splitlines() if line.startswith(name + " ") or line.startswith(name + "{")
    )
    return float(line.rsplit(" ", 1)[1])


def test_the_operator_reads_the_service_figures_with_the_token(client, settings, campaign, agent):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    enroll(campaign, agent, 1)
    enroll(campaign, agent, 2)
    call_command("refresh_arrears")
    client.get(reverse("accounts:login"))  # a request to time

    response = client.get(reverse("metrics"), headers={"Authorization": "Bearer s3cret-token-for-prometheus"})

    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert figure(text, "desa100_enrollments_last_minute") == 2
    assert figure(text, "desa100_task_queue_depth") == 0
    assert 'desa100_request_seconds_count{method="GET",view="accounts:login"}' in text
    assert 'desa100_scheduled_job_last_finished_timestamp_seconds{job="refresh_arrears"}' in text


@pytest.mark.parametrize("header", ["", "Bearer wrong", "Bearer "])
def test_without_the_token_metrics_is_not_found(client, settings, official, header):
    settings.METRICS_TOKEN = "s3cret-token-for-prometheus"
    client.force_login(official)

    assert client.get(reverse("metrics"), headers={"Authorization": header}).status_code == 404


def test_an_administrator_reads_them_signed_in(client):
    client.force_login(AdminFactory())

    assert client.get(reverse("metrics")).status_code == 200
