"""Many agents at once: the quota never overfills and a NIK is enrolled once. PostgreSQL only: SQLite
serializes writers, so it cannot show a race either way."""

import threading
import uuid

import pytest
from django.db import connection, connections

from campaigns.models import Quota
from enrollment.integrity import integrity_problems
from enrollment.models import Enrollment
from enrollment.services import AlreadyEnrolled, VillageFull, enrollment_register
from tests.factories import declaration, nik_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"),
]


def run_at_once(count: int, work) -> list:
    """Run work(i) in `count` threads released together; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def thread(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as error:
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=thread, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_20_agents_at_once_fill_exactly_the_10_slots_left(campaign, tanjungsari, agent):
    Quota.objects.filter(campaign=campaign, village=tanjungsari).update(target=10)
    fields = declaration()

    results = run_at_once(
        20,
        lambda i: enrollment_register(
            campaign=campaign,
            village=tanjungsari,
            nik=nik_for(i + 1),
            declaration={**fields, "full_name": f"Pekerja {i}"},
            heirs=[],
            funding_source=None,
            entered_by=agent,
        ),
    )

    enrolled = [r for r in results if isinstance(r, Enrollment)]
    refused = [r for r in results if isinstance(r, VillageFull)]
    assert (len(enrolled), len(refused)) == (10, 10)
    assert all("10 dari 10" in str(r) or "10 of 10" in str(r) for r in refused)
    quota = Quota.objects.get(campaign=campaign, village=tanjungsari)
    assert quota.filled == quota.target == 10
    assert Enrollment.objects.holding_slots().filter(campaign=campaign).count() == 10
    assert integrity_problems() == []  # the per-status counters too


def test_5_submissions_of_one_nik_at_once_give_one_enrollment(campaign, tanjungsari, agent):
    fields = declaration()

    results = run_at_once(
        5,
        lambda i: enrollment_register(
            campaign=campaign,
            village=tanjungsari,
            nik=nik_for(1),
            declaration=fields,
            heirs=[],
            funding_source=None,
            entered_by=agent,
        ),
    )

    assert sum(isinstance(r, Enrollment) for r in results) == 1
    assert sum(isinstance(r, AlreadyEnrolled) for r in results) == 4
    assert Enrollment.objects.filter(campaign=campaign).count() == 1
    assert Quota.objects.get(campaign=campaign, village=tanjungsari).filled == 1
    assert integrity_problems() == []


@pytest.mark.parametrize("how", ["allocate", "csv"])
def test_lowering_targets_while_agents_enroll_never_errors_nor_overfills(
    campaign, tanjungsari, agent, official, how
):
    from campaigns.services import AllocationError, quota_allocate, quota_import_csv
    from regions.models import Region

    Quota.objects.filter(campaign=campaign, village=tanjungsari).update(
        target=10, filled=4, registered_count=4
    )
    fields = declaration()

    def work(i: int):
        if i == 0:
            if how == "allocate":
                return quota_allocate(
                    campaign=campaign, user=official, region=Region.objects.get(code="32.14.16"), target=5
                )
            return quota_import_csv(campaign=campaign, user=official, text="32.14.16.2005,5\n")
        return enrollment_register(
            campaign=campaign,
            village=tanjungsari,
            nik=nik_for(i),
            declaration=fields,
            heirs=[],
            funding_source=None,
            entered_by=agent,
        )

    for _ in range(5):
        results = run_at_once(6, work)
        unexpected = [
            r
            for r in results
            if isinstance(r, Exception) and not isinstance(r, (AllocationError, VillageFull))
        ]
        assert unexpected == []
        quota = Quota.objects.get(campaign=campaign, village=tanjungsari)
        assert quota.filled <= quota.target
        assert quota.filled == Enrollment.objects.filter(campaign=campaign, village=tanjungsari).count() + 4
        Enrollment.objects.all().delete()
        Quota.objects.filter(pk=quota.pk).update(target=10, filled=4, registered_count=4)


def test_one_entry_key_sent_5_times_at_once_gives_one_enrollment_and_one_slot(campaign, tanjungsari, agent):
    key = uuid.uuid4()
    results = run_at_once(
        5,
        lambda i: enrollment_register(
            campaign=campaign,
            village=tanjungsari,
            nik=nik_for(1),
            declaration=declaration(),
            heirs=[],
            funding_source=None,
            entered_by=agent,
            entry_key=key,
        ),
    )
    assert all(isinstance(r, Enrollment) for r in results), results
    assert len({r.pk for r in results}) == 1 and sum(r.replayed for r in results) == 4
    assert Enrollment.objects.filter(campaign=campaign).count() == 1
    assert integrity_problems() == []
