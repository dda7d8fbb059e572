"""Dashboards, lists and exports read from the replica when there is one; the user's own page right
after a write reads from the primary. The replica is Django's test mirror of the primary here."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import enroll

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "replica"])


@pytest.fixture
def replica_reads(settings):
    settings.REPLICA_READS = True


def queries_on_each(client, url: str) -> tuple[int, int]:
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        assert client.get(url).status_code == 200
    return len(primary), len(replica)


@pytest.mark.parametrize("name", ["home", "enrollment:enrollment_list", "enrollment:review_queue"])
def test_lists_and_dashboards_read_from_the_replica(client, campaign, official, agent, replica_reads, name):
    enroll(campaign, agent, 1)
    client.force_login(official)

    primary, replica = queries_on_each(client, reverse(name))

    assert replica > 0
    assert primary <= 3  # the session and the user: the request's own bookkeeping


def test_the_campaign_dashboard_reads_from_the_replica(client, campaign, official, replica_reads):
    client.force_login(official)
    url = reverse("dashboards:campaign_dashboard", args=[campaign.slug])
    client.get(url)  # the first view counts the breakdowns (a write, on the primary)

    primary, replica = queries_on_each(client, url)

    assert replica >= 5 and primary <= 3


def test_right_after_a_write_the_user_reads_from_the_primary(
    client, campaign, official, agent, replica_reads
):
    enrollment = enroll(campaign, agent, 1)
    client.force_login(official)

    client.post(reverse("enrollment:enrollment_verify", args=[enrollment.pk]))
    primary, replica = queries_on_each(client, reverse("enrollment:review_queue"))

    assert replica == 0 and primary > 3


def test_without_a_replica_everything_reads_from_the_primary(client, campaign, official):
    client.force_login(official)

    primary, replica = queries_on_each(client, reverse("enrollment:enrollment_list"))

    assert replica == 0 and primary > 3


def test_pages_outside_the_marked_views_read_from_the_primary(
    client, campaign, official, agent, replica_reads
):
    enrollment = enroll(campaign, agent, 1)
    client.force_login(official)

    primary, replica = queries_on_each(client, reverse("enrollment:enrollment_detail", args=[enrollment.pk]))

    assert replica == 0 and primary > 3
