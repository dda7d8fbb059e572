"""Operable in production: health check, integrity check, faults, backups."""

import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, OperationalError, connection
from django.test import Client
from django.urls import reverse

from campaigns.models import Quota
from config.logging import MaskPersonalData
from enrollment.models import Enrollment
from regions.models import Region
from tests.factories import enroll, nik_for

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def enrolled(campaign, agent):
    """The Purwakarta campaign with two workers enrolled in Tanjungsari."""
    enroll(campaign, agent, 1)
    enroll(campaign, agent, 2)
    return campaign


def test_healthz_says_ok_when_the_database_answers(client, db):
    response = client.get(reverse("healthz"))

    assert (response.status_code, response.json()) == (200, {"status": "ok", "database": "ok"})
    assert "no-cache" in response["Cache-Control"]


def test_healthz_says_503_when_the_database_does_not(client, db):
    with mock.patch("config.health.connection.cursor", side_effect=OperationalError("gone")):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503


def test_the_database_going_away_mid_request_gives_a_503_page_and_saves_nothing(client, agent, enrolled):
    client.force_login(agent)
    quota_ = Quota.objects.get(campaign=enrolled, village__code="32.14.16.2005")
    entry = {
        "quota": quota_.pk, "nik": nik_for(3), "full_name": "Ujang", "occupation": "petani",
        "monthly_income": "1000000", "heir_name": "Iis", "heir_relationship": "spouse",
        "not_hospitalised": "on", "consent": "on",
    }  # fmt: skip

    with mock.patch(
        "enrollment.services.insert_one_after", side_effect=OperationalError("server closed the connection")
    ):
        response = client.post(reverse("enrollment:enrollment_create"), entry)

    assert response.status_code == 503
    assert "Coba lagi" in response.content.decode() or "coba lagi" in response.content.decode()
    assert Enrollment.objects.count() == 2 and Quota.objects.get(pk=quota_.pk).filled == 2


def test_a_double_submitted_form_creates_one_enrollment(client, agent, enrolled):
    client.force_login(agent)
    entry = {
        "quota": Quota.objects.get(campaign=enrolled, village__code="32.14.16.2005").pk, "nik": nik_for(3), "full_name": "Ujang",
        "occupation": "petani", "monthly_income": "1000000", "heir_name": "Iis",
        "heir_relationship": "spouse", "not_hospitalised": "on", "consent": "on",
    }  # fmt: skip

    first = client.post(reverse("enrollment:enrollment_create"), entry)
    second = client.post(reverse("enrollment:enrollment_create"), entry)

    assert first.status_code == 302 and second.status_code == 200
    assert Enrollment.objects.filter(worker__nik=nik_for(3)).count() == 1
    assert Quota.objects.get(campaign=enrolled, village__code="32.14.16.2005").filled == 3


def test_check_integrity_passes_on_sound_data(enrolled, capsys):
    call_command("check_integrity")

    assert "checks out" in capsys.readouterr().out


def test_check_integrity_names_a_wrong_count_and_a_stray_enrollment(enrolled):
    Quota.objects.filter(campaign=enrolled, village__code="32.14.16.2005").update(
        filled=5, registered_count=5
    )
    stray = Enrollment.objects.first()
    Enrollment.objects.filter(pk=stray.pk).update(village=Region.objects.get(code="32.14.16.2006"))

    with pytest.raises(CommandError) as failed:
        call_command("check_integrity")

    assert "integrity problem" in str(failed.value)


def test_check_integrity_lists_each_problem(enrolled):
    from enrollment.integrity import integrity_problems

    Quota.objects.filter(campaign=enrolled, village__code="32.14.16.2005").update(
        filled=5, registered_count=5
    )

    assert integrity_problems() == [
        f"quota of campaign {enrolled.pk} in 32.14.16.2005: registered counter 5, but 2 enrollments are registered"
    ]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore back up PostgreSQL")
@pytest.mark.skipif(not shutil.which("pg_dump"), reason="pg_dump is not installed")
def test_a_backup_restores_into_a_fresh_database_that_checks_out(enrolled, tmp_path):
    settings_dict = connection.settings_dict
    base = f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
    dump, restored = tmp_path / "desa100.dump", f"{settings_dict['NAME']}_restored"
    subprocess.run(["pg_dump", "-Fc", "-f", dump, f"{base}/{settings_dict['NAME']}"], check=True)
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{restored}"'], check=True)
    subprocess.run(["psql", f"{base}/postgres", "-qc", f'CREATE DATABASE "{restored}"'], check=True)
    try:
        subprocess.run(["pg_restore", "--no-owner", "-d", f"{base}/{restored}", dump], check=True)
        result = subprocess.run(
            [sys.executable, "manage.py", "check_integrity"],
            cwd=ROOT,
            env={
                **os.environ,
                "DATABASE_URL": f"{base}/{restored}",
                "DJANGO_SETTINGS_MODULE": "config.settings.test",
            },
            capture_output=True,
            text=True,
        )
        count = subprocess.run(
            ["psql", f"{base}/{restored}", "-tAc", "SELECT count(*) FROM enrollment_enrollment"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        subprocess.run(
            ["psql", f"{base}/postgres", "-qc", f'DROP DATABASE IF EXISTS "{restored}"'], check=True
        )

    assert result.returncode == 0, result.stderr
    assert count.stdout.strip() == "2"


def test_with_the_database_gone_signed_in_users_get_the_503_page_from_every_layer(agent, db):
    """The session is read in middleware, outside any view: 103 of 217 requests of a 10 s outage were
    bare 500s. Now a view's failure and a middleware's failure both answer with the 503 page."""
    client = Client(raise_request_exception=False)
    client.force_login(agent)
    gone = OperationalError("could not connect to server")
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load", side_effect=gone):
        in_the_view = client.get(reverse("home"))
        beside_it = client.get(reverse("service_worker"))  # a page that never asks for the user
    with mock.patch("config.middleware.NoStoreMiddleware.process_response", side_effect=gone):
        in_a_middleware = client.get(reverse("home"))

    assert in_the_view.status_code == in_a_middleware.status_code == 503
    assert "coba lagi" in in_a_middleware.content.decode().lower()
    assert beside_it.status_code == 200 and "no-store" in beside_it["Cache-Control"]


@pytest.mark.parametrize("target", ["-1", "javascript:alert(1)", "//evil.example/x", "https://evil.example/"])
def test_a_next_that_is_not_a_path_of_this_site_goes_to_the_pages_default(client, official, target):
    client.force_login(official)
    response = client.post(reverse("enrollment:review_bulk"), {"action": "verify", "next": target})
    assert (response.status_code, response["Location"]) == (302, reverse("enrollment:review_queue"))


def test_the_error_log_masks_a_nik_inside_an_exception(caplog):
    logger = logging.getLogger("desa100.test")
    logger.addFilter(MaskPersonalData())
    try:
        raise IntegrityError(
            f"duplicate key value violates unique constraint\nDETAIL: Key (nik)=({nik_for(7)}) already exists."
        )
    except IntegrityError:
        logger.exception("saving failed")
    written = logging.Formatter().format(caplog.records[-1])
    assert nik_for(7) not in written and f"{nik_for(7)[:4]}********{nik_for(7)[-4:]}" in written


def test_the_task_worker_starts_again_when_the_database_comes_back():
    from imports.management.commands import task_worker

    runs = [OperationalError("server closed the connection unexpectedly"), None]

    def run(*args, **options):
        if outcome := runs.pop(0):
            raise outcome

    with (
        mock.patch.object(task_worker.db_worker.Command, "handle", side_effect=run) as handle,
        mock.patch.object(task_worker.time, "sleep") as sleep,
    ):
        task_worker.Command().handle(batch=True)  # the test settings run jobs at once, so not call_command

    assert handle.call_count == 2 and sleep.call_count == 1
