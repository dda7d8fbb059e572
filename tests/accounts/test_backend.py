"""accounts.auth.UserBackend: the signed-in user of each request read with their region codes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.auth import UserBackend
from regions.models import Region
from tests.factories import SIGNED_IN

pytestmark = pytest.mark.django_db


def test_the_user_comes_with_their_region_codes_in_one_query_on_postgresql(official):
    official.regions.add(Region.objects.get(code="32.14.16"))
    with CaptureQueriesContext(connection) as queries:
        user = UserBackend().get_user(official.pk)
        codes = user.region_codes
    assert codes == ["32.14", "32.14.16"]
    assert len(queries) == SIGNED_IN


def test_each_request_reads_the_regions_as_they_are_now(client, agent, campaign):
    """A reach taken away by an administrator is gone on the agent's next page, not later."""
    client.force_login(agent)
    assert client.get("/enrollments/new/").status_code == 200
    assert "Tanjungsari" in client.get("/enrollments/new/").content.decode()
    agent.regions.set([Region.objects.get(code="32.14.16.2006")])
    assert "Tanjungsari" not in client.get("/enrollments/new/").content.decode()


def test_a_deactivated_user_is_signed_out(client, agent):
    client.force_login(agent)
    agent.is_active = False
    agent.save(update_fields=["is_active"])
    assert UserBackend().get_user(agent.pk) is None
    assert client.get("/enrollments/new/").status_code == 302
