"""A large import's commit checks its next chunk of rows in another thread, with a connection of its
own, while the previous chunk is written (config.ahead, issue 25). PostgreSQL only, and outside a
test's transaction: that thread reads only what is committed, as in production."""

import threading
from unittest import mock

import pytest
from django.db import connection
from django.utils import translation

from enrollment.models import Enrollment
from imports import services
from imports.checks import Checker
from tests.factories import enroll, nik_for

from .test_commit import HEADER, _checked, _filled, failing_at_chunk

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the commit checks ahead on PostgreSQL only"
    ),
]


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch):
    monkeypatch.setattr("imports.checks.CHUNK", 2)


@pytest.fixture
def checked_in():
    """The threads each chunk was checked in."""
    names = []
    real = Checker._check

    def check(self, chunk):
        names.append(threading.current_thread().name)
        return real(self, chunk)

    with mock.patch.object(Checker, "_check", check):
        yield names


def test_rows_checked_ahead_are_enrolled_and_those_gone_bad_left_out(campaign, official, agent, checked_in):
    rows = [f"{nik_for(n)};Pekerja {n};32.14.16.2005;petani" for n in range(1, 8)]
    rows.append(f"{nik_for(1)};Pekerja 1 lagi;32.14.16.2005;petani")  # row 9: row 2's NIK again
    with translation.override("id"):
        batch = _checked(campaign, official, (HEADER + "\n".join(rows)).encode())
        assert batch.valid == 7
        enroll(campaign, agent, 6)  # row 7's worker, enrolled by the agent after the dry run
        checked_in.clear()
        services.import_commit(batch, by=official)
    batch.refresh_from_db()
    assert set(checked_in) == {"one-ahead"}  # four chunks, none checked in the writer's thread
    assert (batch.state, batch.enrolled, batch.valid) == ("done", 6, 6)
    assert batch.problems == [
        [7, "nik", "sudah terdaftar di kampanye ini"],
        [9, "nik", "NIK yang sama ada di baris 2"],
    ]
    assert batch.enrollments.count() == 6 and _filled(campaign) == 6 + 1  # and the agent's


def test_a_failure_while_the_next_chunk_is_checked_leaves_nothing(campaign, official):
    rows = [f"{nik_for(n)};Pekerja {n};32.14.16.2005;petani" for n in range(1, 8)]
    batch = _checked(campaign, official, (HEADER + "\n".join(rows)).encode())
    with failing_at_chunk(3):
        services.import_commit(batch, by=official)
    assert not Enrollment.objects.exists() and _filled(campaign) == 0
    assert not any(thread.name == "one-ahead" for thread in threading.enumerate())
