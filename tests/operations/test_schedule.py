"""A scheduled job started on two servers at once runs once; the other says it was skipped."""

import datetime as dt
import io
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections
from django.utils import timezone

from operations.models import ScheduledRun
from operations.schedule import run_alone

HOUR = dt.timedelta(hours=1)


def run_on_another_server(job: str, started: threading.Event, release: threading.Event) -> threading.Thread:
    """Another process (its own database connection) holding `job` until `release` is set."""

    def hold():
        try:
            with run_alone(job, lease=HOUR) as mine:
                assert mine
                started.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=hold)
    thread.start()
    assert started.wait(10)
    return thread


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_running_on_one_server_is_skipped_on_the_other(on_postgres):
    if not on_postgres:
        pytest.skip("two connections at once need PostgreSQL")
    started, release = threading.Event(), threading.Event()
    other = run_on_another_server("refresh_arrears", started, release)
    try:
        out = io.StringIO()
        call_command("refresh_arrears", stdout=out)
    finally:
        release.set()
        other.join()

    assert "already running on" in out.getvalue() and "skipped" in out.getvalue()
    job = ScheduledRun.objects.get(job="refresh_arrears")
    assert (job.runs, job.skipped, job.holder, job.held_until) == (1, 1, "", None)

    again = io.StringIO()
    call_command("refresh_arrears", stdout=again)  # free again: it runs
    assert "skipped" not in again.getvalue()
    assert ScheduledRun.objects.get(job="refresh_arrears").runs == 2


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_servers_starting_a_job_at_the_same_moment_run_it_once(on_postgres):
    if not on_postgres:
        pytest.skip("two connections at once need PostgreSQL")
    barrier, ran = threading.Barrier(4), []

    def server():
        try:
            barrier.wait()
            with run_alone("issue_bills", lease=HOUR) as mine:
                if mine:
                    ran.append(1)
                    barrier_release.wait(10)
        finally:
            connections.close_all()

    barrier_release = threading.Event()
    servers = [threading.Thread(target=server) for _ in range(4)]
    for each in servers:
        each.start()
    threading.Timer(1.0, barrier_release.set).start()
    for each in servers:
        each.join()

    assert len(ran) == 1
    assert ScheduledRun.objects.get(job="issue_bills").skipped == 3


@pytest.mark.django_db
def test_a_server_that_died_holding_a_job_gives_it_back_when_its_lease_ends():
    ScheduledRun.objects.create(
        job="send_reminders",
        holder="app-2:4242:dead",
        started_at=timezone.now(),
        held_until=timezone.now() + HOUR,
    )
    with run_alone("send_reminders", lease=HOUR) as mine:
        assert not mine
    with (
        time_machine.travel(timezone.now() + HOUR + dt.timedelta(seconds=1)),
        run_alone("send_reminders", lease=HOUR) as mine,
    ):
        assert mine
    assert ScheduledRun.objects.get(job="send_reminders").finished_at is not None


@pytest.mark.django_db
def test_a_job_that_fails_is_free_for_its_next_run():
    with pytest.raises(RuntimeError), run_alone("prune_imports", lease=HOUR):
        raise RuntimeError("disk full")

    with run_alone("prune_imports", lease=HOUR) as mine:
        assert mine
