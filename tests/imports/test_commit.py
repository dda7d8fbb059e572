"""Committing an import: through the entry services, all or nothing, recorded, undone the same day."""

from unittest import mock

import pytest
from django.utils import translation

from campaigns.models import Quota
from enrollment import services as enrollment_services
from enrollment.models import Enrollment
from imports import services
from imports.checks import check_rows
from imports.reading import read_table
from tests.factories import TODAY, nik_for

pytestmark = pytest.mark.django_db

HEADER = "nik;nama;kode_desa;pekerjaan\n"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _dry_run(campaign, user, count, code="32.14.16.2005"):
    rows = "\n".join(f"{nik_for(n)};Pekerja {n};{code};petani" for n in range(1, count + 1))
    return check_rows(read_table((HEADER + rows).encode()), campaign=campaign, user=user, today=TODAY)


def _commit(campaign, user, dry_run, reserve_if_full=True):
    return services.import_commit(
        dry_run=dry_run, campaign=campaign, by=user, file_name="musdes.csv", checksum="0" * 64,
        reserve_if_full=reserve_if_full,
    )  # fmt: skip


def _filled(campaign, code="32.14.16.2005"):
    return Quota.objects.get(campaign=campaign, village__code=code).filled


def test_valid_rows_are_enrolled_and_the_import_recorded(campaign, official):
    Quota.objects.filter(campaign=campaign, village__code="32.14.16.2005").update(target=3)
    batch = _commit(campaign, official, _dry_run(campaign, official, 5))
    assert (batch.rows, batch.enrolled, batch.reserved, batch.left_out) == (5, 3, 2, 0)
    assert batch.enrollments.count() == 5 and _filled(campaign) == 3


def test_rows_beyond_the_slots_may_be_left_out(campaign, official):
    Quota.objects.filter(campaign=campaign, village__code="32.14.16.2005").update(target=2)
    batch = _commit(campaign, official, _dry_run(campaign, official, 4), reserve_if_full=False)
    assert (batch.enrolled, batch.reserved, batch.left_out) == (2, 0, 2)


def test_a_failure_half_way_leaves_no_enrollment_and_no_slot(campaign, official):
    dry_run = _dry_run(campaign, official, 4)
    real = enrollment_services.enrollment_register
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("the server went away")
        return real(**kwargs)

    with mock.patch("imports.services.enrollment_register", side_effect=failing), pytest.raises(RuntimeError):
        _commit(campaign, official, dry_run)
    assert not Enrollment.objects.exists() and _filled(campaign) == 0


def test_a_row_outside_the_uploaders_reach_is_refused_even_in_a_crafted_dry_run(campaign, official, agent):
    dry_run = _dry_run(campaign, official, 2, code="32.14.16.2006")  # checked as the official
    with pytest.raises(services.ImportRefused, match="Baris 2"):
        _commit(campaign, agent, dry_run)  # committed as the agent of another village
    assert not Enrollment.objects.exists() and _filled(campaign, "32.14.16.2006") == 0


def test_undo_on_the_same_day_cancels_and_frees_the_slots(campaign, official):
    batch = _commit(campaign, official, _dry_run(campaign, official, 3))
    assert services.import_undo(batch=batch, by=official, reason="Berkas yang salah") == 3
    assert _filled(campaign) == 0
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"cancelled"}
    with pytest.raises(services.ImportRefused):
        services.import_undo(batch=batch, by=official, reason="lagi")
