"""The entry's one read of a NIK (enrollment.nearby.known_nik), held to the questions it answers."""

import pytest
from django.db.models import QuerySet
from django.utils import translation

from enrollment.models import Enrollment, Heir
from enrollment.nearby import Reason, known_nik, near_duplicates
from tests.factories import enroll, nik_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", Enrollment.Status.values)
def test_already_enrolled_is_open_ins_answer_for_every_status(campaign, agent, status):
    """known_nik asks in its own SQL on PostgreSQL what Enrollment.objects.open_in asks: a change to
    which statuses are open must change both."""
    enrollment = enroll(campaign, agent, 1)
    Enrollment.objects.filter(pk=enrollment.pk).update(
        status=status, coverage_starts=enrollment.entered_at.date(), reason="Pindah"
    )

    known = known_nik(nik_for(1), campaign)

    assert known.worker == enrollment.worker
    assert known.may_be_enrolled_in(campaign) == Enrollment.objects.open_in(campaign).exists()


def test_a_new_nik_has_no_worker_and_its_typed_neighbours_are_named(campaign, agent):
    enroll(campaign, agent, 1)
    typo = nik_for(1)[:-1] + str((int(nik_for(1)[-1]) + 1) % 10)

    known = known_nik(typo, campaign)

    assert known.worker is None and not known.may_be_enrolled_in(campaign)
    assert list(known.neighbours.values()) == [Reason.DIGIT]
    assert known.workers() == {}


def test_at_most_three_near_duplicates_are_named_newest_first_each_worker_once(campaign, agent, tanjungsari):
    typed = nik_for(10)
    for n in (11, 12, 13, 14):  # each one digit away from …0010
        enroll(campaign, agent, n, full_name=f"Pekerja {n}")

    found = near_duplicates(
        known_nik(typed, campaign), village=tanjungsari, user=agent, full_name="Pekerja 14", born=None
    )

    assert [near.enrollment.full_name for near in found] == ["Pekerja 14", "Pekerja 13", "Pekerja 12"]
    assert {near.reason for near in found} == {Reason.DIGIT}
    with translation.override("id"):  # what the agent reads: the name, the NIK masked, the village
        assert found[0].message.startswith(
            "Mungkin orang yang sama dengan Pekerja 14 (3214********0014, Desa Tanjungsari)"
        )


def test_a_near_duplicate_merged_away_between_the_two_reads_is_not_named(
    campaign, agent, tanjungsari, monkeypatch
):
    """The candidates are read, then the few found whole: one merged away in between is simply gone."""
    enroll(campaign, agent, 11)
    read_whole = QuerySet.in_bulk

    def merged_meanwhile(queryset, ids):
        Heir.objects.filter(enrollment_id__in=ids).delete()
        Enrollment.objects.filter(pk__in=ids).delete()
        return read_whole(queryset, ids)

    monkeypatch.setattr(QuerySet, "in_bulk", merged_meanwhile)

    found = near_duplicates(known_nik(nik_for(10), campaign), village=tanjungsari, user=agent)

    assert found == []
