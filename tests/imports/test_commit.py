"""Committing an import: through the entry services, all or nothing, recorded, undone the same day."""

import datetime as dt
import os
from contextlib import contextmanager
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from campaigns.models import Quota
from enrollment.models import Enrollment
from imports import services
from imports.models import ImportBatch
from tests.factories import enroll, nik_for

pytestmark = pytest.mark.django_db

HEADER = "nik;nama;kode_desa;pekerjaan\n"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _file(count, code="32.14.16.2005", first=1):
    rows = "\n".join(f"{nik_for(n)};Pekerja {n};{code};petani" for n in range(first, first + count))
    return (HEADER + rows).encode()


def _checked(campaign, user, data, reserve_if_full=True):
    batch = services.import_upload(
        kind="signups", campaign=campaign, data=data, file_name="musdes.csv", by=user,
        reserve_if_full=reserve_if_full,
    )  # fmt: skip
    return services.import_check(batch)


def _commit(campaign, user, data, reserve_if_full=True):
    return services.import_commit(_checked(campaign, user, data, reserve_if_full), by=user)


def _filled(campaign, code="32.14.16.2005"):
    return Quota.objects.get(campaign=campaign, village__code=code).filled


def test_valid_rows_are_enrolled_and_the_import_recorded(campaign, official):
    Quota.objects.filter(campaign=campaign, village__code="32.14.16.2005").update(target=3)
    batch = _commit(campaign, official, _file(5))
    batch.refresh_from_db()
    assert batch.state == "done" and batch.region.code == "32.14.16.2005"
    assert (batch.rows, batch.enrolled, batch.reserved, batch.left_out) == (5, 3, 2, 0)
    assert batch.enrollments.count() == 5 and _filled(campaign) == 3
    enrollment = batch.enrollments.get(worker__nik=nik_for(1))
    created = enrollment.history.get()
    assert enrollment.entered_by == official and created.history_user == official
    assert (created.history_type, created.full_name, created.status) == ("+", "Pekerja 1", "registered")
    assert enrollment.worker.history.get().nik == nik_for(1)


def test_rows_beyond_the_slots_may_be_left_out(campaign, official):
    Quota.objects.filter(campaign=campaign, village__code="32.14.16.2005").update(target=2)
    batch = _commit(campaign, official, _file(4), reserve_if_full=False)
    assert (batch.enrolled, batch.reserved, batch.left_out) == (2, 0, 2)


def test_heirs_and_funding_sources_are_imported(campaign, official):
    from campaigns.models import FundingSource

    FundingSource.objects.create(campaign=campaign, name="CSR PT Taekwang", kind="csr")
    data = (
        "nik;nama;kode_desa;pekerjaan;ahli_waris;hubungan_ahli_waris;sumber_dana\n"
        f"{nik_for(1)};Asep;32.14.16.2005;petani;Euis;istri;csr pt taekwang\n"
    ).encode()
    batch = _commit(campaign, official, data)
    enrollment = batch.enrollments.get()
    assert enrollment.funding_source.name == "CSR PT Taekwang"
    heir = enrollment.heirs.get()
    assert (heir.name, heir.relationship) == ("Euis", "spouse")


@contextmanager
def failing_at_chunk(number: int):
    """The bulk register crashing at its `number`th chunk, as a server going away would; what the
    block raises must be that crash. Yields the list of calls made."""
    real = services.enrollment_register_many
    calls = []

    def failing(**kwargs):
        calls.append(1)
        if len(calls) == number:
            raise RuntimeError("the server went away")
        return real(**kwargs)

    with (
        mock.patch("imports.services.enrollment_register_many", side_effect=failing),
        pytest.raises(RuntimeError),
    ):
        yield calls


def test_a_failure_half_way_leaves_no_enrollment_and_no_slot(campaign, official, monkeypatch):
    monkeypatch.setattr("imports.checks.CHUNK", 2)
    batch = _checked(campaign, official, _file(6))
    with failing_at_chunk(3) as calls:
        services.import_commit(batch, by=official)
    assert len(calls) == 3  # two chunks were written before the crash, and rolled back
    assert not Enrollment.objects.exists() and _filled(campaign) == 0


def test_a_row_outside_the_uploaders_reach_is_not_enrolled_even_from_a_crafted_file(campaign, agent):
    batch = _commit(campaign, agent, _file(2, code="32.14.16.2006"))  # the agent's village is 2005
    assert batch.enrolled == 0 and {row[1] for row in batch.problems} == {"village_code"}
    assert not Enrollment.objects.exists() and _filled(campaign, "32.14.16.2006") == 0


def test_a_row_enrolled_by_someone_else_after_the_dry_run_is_left_out_at_commit(campaign, official, agent):
    batch = _checked(campaign, official, _file(3))
    assert batch.valid == 3
    enroll(campaign, agent, 2)  # the agent enrolls the worker of row 3 meanwhile
    services.import_commit(batch, by=official)
    assert (batch.enrolled, batch.valid) == (2, 2)
    assert batch.problems == [[3, "nik", "sudah terdaftar di kampanye ini"]]


def test_only_the_uploader_commits_and_only_once(campaign, official, other_official):
    batch = _checked(campaign, official, _file(2))
    with pytest.raises(services.ImportRefused):
        services.import_commit(batch, by=other_official)
    services.import_commit(batch, by=official)
    with pytest.raises(services.ImportRefused):
        services.import_commit(batch, by=official)
    assert Enrollment.objects.count() == 2


def test_undo_on_the_same_day_cancels_and_frees_the_slots(campaign, official):
    batch = _commit(campaign, official, _file(3))
    assert services.import_undo(batch=batch, by=official, reason="Berkas yang salah") == 3
    assert _filled(campaign) == 0
    assert set(Enrollment.objects.values_list("status", flat=True)) == {"cancelled"}
    with pytest.raises(services.ImportRefused):
        services.import_undo(batch=batch, by=official, reason="lagi")


def test_a_file_with_unknown_headers_waits_for_its_columns_to_be_mapped_once(campaign, official, agent):
    data = f"No. Induk;Nama Peserta;Desa;Kerja\n{nik_for(1)};Asep;32.14.16.2005;petani\n".encode()
    batch = _checked(campaign, official, data)
    assert batch.state == "mapping"
    assert batch.error == (
        "Kolom wajib tidak ada: NIK, Nama lengkap, Kode desa, Pekerjaan. "
        "Kolom ini tidak dibaca: “No. Induk”, “Nama Peserta”, “Desa”, “Kerja”."
    )
    services.save_mapping(batch=batch, fields=["nik", "full_name", "village_code", "occupation"], by=official)
    assert services.import_check(batch).valid == 1
    again = _checked(campaign, agent, data.replace(nik_for(1).encode(), nik_for(2).encode()))
    assert again.state == "checked" and again.valid == 1  # the same shape is read the same way


def test_the_command_checks_and_imports_a_file(campaign, official, tmp_path, capsys):
    path = tmp_path / "musdes.csv"
    path.write_bytes(_file(3) + b"\n1234;Salah;32.14.16.2005;petani\n")
    call_command("import_enrollments", str(path), campaign="purwakarta", user=official.username, dry_run=True)
    assert "4 rows: 3 valid, 1 problems." in capsys.readouterr().out and not Enrollment.objects.exists()
    call_command("import_enrollments", str(path), campaign="purwakarta", user=official.username)
    out = capsys.readouterr()
    assert "3 enrolled" in out.out and "save [" in out.err
    assert Enrollment.objects.count() == 3


def test_old_import_files_are_pruned_and_the_record_kept(campaign, official):
    batch = _checked(campaign, official, _file(1))
    path = batch.file.path
    ImportBatch.objects.filter(pk=batch.pk).update(uploaded_at=timezone.now() - dt.timedelta(days=8))
    call_command("prune_imports")
    batch.refresh_from_db()
    assert batch.file.name == "" and batch.checksum
    assert not os.path.exists(path)


def test_a_nul_byte_inside_a_cell_is_dropped_not_an_error(campaign, official):
    data = (
        HEADER.encode() + b"x" * 5000 + b"\n" + f"{nik_for(1)};Asep\x00 Nul;32.14.16.2005;petani\n".encode()
    )
    batch = _commit(campaign, official, data)
    assert batch.enrollments.get().full_name == "Asep Nul"


def test_the_commit_asks_again_only_what_refuses_not_the_warnings(campaign, official, monkeypatch):
    """The near-duplicate search is a warning, said by the dry run; at commit it compared each chunk
    with villages growing as the commit wrote, half of a 100,000-row commit (issue 25)."""
    from imports.checks import Checker

    batch = _checked(campaign, official, _file(3))
    monkeypatch.setattr(
        Checker, "_near", lambda self, valid: pytest.fail("the commit searched for near-duplicates")
    )

    services.import_commit(batch, by=official)

    batch.refresh_from_db()
    assert (batch.state, batch.enrolled) == ("done", 3)
