"""The replica router against a real streaming standby (deploy/standby), not Django's test mirror.

A row the primary has and the standby has not yet replayed (its replay paused) tells which database
a page read. Runs when DESA100_STANDBY_URL names the standby; `.ci/run` starts one and runs these on
their own (one process: a test here stops and starts the standby).
"""

import os
import subprocess
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.urls import reverse

from config.db_router import REPLICA, forget_replica_health
from reports.models import ExportLog
from tests.factories import enroll

STANDBY_URL = os.environ.get("DESA100_STANDBY_URL", "")
SCRIPT = Path(__file__).resolve().parent.parent / "deploy" / "standby"

pytestmark = [
    pytest.mark.standby,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not STANDBY_URL,
        reason="needs a streaming standby: deploy/standby start; DESA100_STANDBY_URL=postgres://postgres@127.0.0.1:5433",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


class Standby:
    def __init__(self, name: str):
        address = urlparse(STANDBY_URL)
        self.dsn = {
            "host": address.hostname,
            "port": address.port or 5432,
            "user": address.username or "postgres",
        }
        self.name = name

    def ask(self, sql: str):
        with psycopg2.connect(dbname=self.name, **self.dsn) as standby, standby.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    def catch_up(self) -> None:
        """Wait until the standby has replayed all the primary has written."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            written = cursor.fetchone()[0]
        for _ in range(200):
            if self.ask(f"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn"):
                return
            time.sleep(0.05)
        raise AssertionError("the standby did not catch up in 10 s")

    def pause(self) -> None:
        self.catch_up()
        self.ask("SELECT pg_wal_replay_pause()::text")

    def resume(self) -> None:
        self.ask("SELECT pg_wal_replay_resume()::text")


@pytest.fixture
def standby(settings):
    """The `replica` database pointed at the standby's copy of this test database."""
    replica = connections[REPLICA]
    mirror = replica.settings_dict
    replica.close()
    address = urlparse(STANDBY_URL)
    replica.settings_dict = {
        **connections["default"].settings_dict,
        "HOST": address.hostname,
        "PORT": address.port,
        "OPTIONS": {"connect_timeout": 3},
    }
    settings.REPLICA_READS = True
    settings.REPLICA_CHECK_SECONDS = 0  # every page asks the standby how far behind it is
    forget_replica_health()
    server = Standby(connections["default"].settings_dict["NAME"])
    yield server
    server.resume()
    replica.close()
    replica.settings_dict = mirror
    forget_replica_health()


def names_listed(client) -> str:
    response = client.get(reverse("campaigns:campaign_list"))
    assert response.status_code == 200
    return response.content.decode()


def test_the_marked_pages_read_from_the_standby(client, official, campaign, standby):
    client.force_login(official)
    standby.pause()
    old_name = campaign.name
    campaign.name = "Renamed on the primary"
    campaign.save(update_fields=["name"])

    page = names_listed(client)
    assert old_name in page and "Renamed on the primary" not in page

    standby.resume()
    standby.catch_up()
    assert "Renamed on the primary" in names_listed(client)


def test_who_has_just_written_reads_their_own_write(
    client, official, other_official, agent, campaign, standby
):
    entry = enroll(campaign, agent, 1, full_name="Ujang Sumarna")
    standby.pause()
    client.force_login(official)
    queue = reverse("enrollment:review_queue")

    assert client.post(reverse("enrollment:enrollment_verify", args=[entry.pk])).status_code == 302

    assert "Ujang Sumarna" not in client.get(queue).content.decode()  # verified: no longer waiting
    client.cookies.clear()
    client.force_login(official)  # the same official on a new browser: the standby, not yet replayed
    assert "Ujang Sumarna" in client.get(queue).content.decode()


def test_with_the_standby_stopped_pages_read_the_primary_and_healthz_says_degraded(
    client, official, campaign, standby
):
    client.force_login(official)
    subprocess.run([SCRIPT, "stop"], check=True)
    try:
        assert campaign.name in names_listed(client)
        health = client.get(reverse("healthz"))
        assert health.status_code == 200
        assert health.json()["status"] == "degraded" and health.json()["replica"] == "unreachable"
    finally:
        subprocess.run([SCRIPT, "start"], check=True, capture_output=True)
    standby.catch_up()
    assert client.get(reverse("healthz")).json()["status"] == "ok"


def test_a_standby_too_far_behind_is_not_read(client, official, campaign, standby, settings):
    settings.REPLICA_MAX_LAG_SECONDS = 1
    client.force_login(official)
    standby.pause()
    campaign.name = "Renamed on the primary"
    campaign.save(update_fields=["name"])
    time.sleep(1.5)

    assert "Renamed on the primary" in names_listed(client)
    health = client.get(reverse("healthz")).json()
    assert health["status"] == "degraded" and health["replica"] == "lagging"
    assert health["replica_lag_seconds"] > 1


def test_a_streamed_export_reads_the_standby(client, official, agent, campaign, standby):
    """The rows of a CSV are read after the view has returned, while the response streams."""
    enroll(campaign, agent, 1, full_name="Pekerja Lama")
    standby.pause()
    enroll(campaign, agent, 2, full_name="Pekerja Baru")  # on the primary only
    client.force_login(official)
    data = {"file_format": "csv", "columns": ["name"], "purpose": ""}

    body = b"".join(client.post(reverse("reports:enrollment_export"), data).streaming_content).decode(
        "utf-8-sig"
    )

    assert "Pekerja Lama" in body and "Pekerja Baru" not in body


def test_an_export_on_the_standby_survives_the_primary_refreshing_and_vacuuming(
    client, official, agent, campaign, standby
):
    for n in range(1, 61):
        enroll(campaign, agent, n)
    standby.catch_up()
    assert standby.ask("SHOW hot_standby_feedback") == "on"
    client.force_login(official)
    data = {"file_format": "csv", "columns": ["nik", "name", "status"], "purpose": ""}
    lines = iter(client.post(reverse("reports:enrollment_export"), data).streaming_content)
    first = next(lines)  # the header: the export is under way on the standby

    def churn():
        call_command("refresh_dashboards")
        with connections["default"].cursor() as cursor:
            cursor.execute("UPDATE enrollment_enrollment SET phone = phone")  # dead rows for VACUUM
            cursor.execute("VACUUM enrollment_enrollment")

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join()
    standby.catch_up()
    body = (first + b"".join(lines)).decode("utf-8-sig")

    assert len(body.strip().splitlines()) == 61  # the header and every worker
    assert ExportLog.objects.get().row_count == 60
