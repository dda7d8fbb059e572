"""Reconciliation with the BPJS branch's list: categories on a file made for them, confirm, undo."""

import pytest
from django.urls import reverse
from django.utils import translation

from campaigns.models import Quota
from enrollment.models import Enrollment, Worker
from enrollment.services import enrollment_activate, enrollment_verify
from imports import reconcile, services
from regions.models import Region
from tests.factories import TODAY, enroll, nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


@pytest.fixture
def enrolled(campaign, official):
    """Workers 1 to 7 in Tanjungsari: 1 active (KPJ 111), 2 to 5 verified, 6 registered, 7 verified."""
    people = {n: enroll(campaign, official, n, full_name=f"Pekerja Nomor {n}") for n in range(1, 8)}
    for n in (1, 2, 3, 4, 5, 7):
        enrollment_verify(enrollment=people[n], by=official)
    enrollment_activate(enrollment=people[1], by=official, kpj_number="111", coverage_starts=TODAY)
    Worker.objects.create(nik=nik_for(90), birth_date="1995-08-15", sex="L", kpj_number="999")
    return people


BRANCH_LIST = (
    "NIK,Nama,No KPJ,Tgl Lahir\n"
    f"{nik_for(1)},PEKERJA NOMOR 1,111,15/08/1995\n"  # 2: consistent
    f"{nik_for(2)},Pekerja Nomer 2,222,\n"  # 3: ready (a spelling difference)
    f"{nik_for(6)},Pekerja Nomor 6,666,\n"  # 4: registered, not verified: only if ticked
    f"{nik_for(3)},Pekerja Nomor 3,,\n"  # 5: waiting, no KPJ
    f"{nik_for(50)},Orang Lain,500,\n"  # 6: on the list, not here
    f"{nik_for(4)},Siti Rahmawati,444,\n"  # 7: conflict, another name
    f"{nik_for(5)},Pekerja Nomor 5,999,\n"  # 8: conflict, KPJ of another worker
    f"{nik_for(7)},Pekerja Nomor 7,777,16/08/1995\n"  # 9: conflict, birth date
)


def _checked(campaign, official, data=BRANCH_LIST):
    batch = services.import_upload(
        kind="branch_list", campaign=campaign, data=data.encode(), file_name="bpjs.csv", by=official,
        region=Region.objects.get(code="32.14"),
    )  # fmt: skip
    return reconcile.reconcile_check(batch)


def test_each_category_on_a_list_made_for_them(campaign, official, enrolled):
    batch = _checked(campaign, official)
    assert batch.state == "checked"
    assert batch.summary["counts"] == {
        "consistent": 1, "ready": 1, "unverified": 1, "waiting": 1, "unknown": 1, "missing": 0, "conflict": 3,
    }  # fmt: skip
    examples = batch.summary["examples"]
    assert [row[0] for row in examples["ready"]] == [3]
    assert [(row[0], row[4]) for row in examples["unverified"]] == [(4, enrolled[6].pk)]
    assert {row[0]: row[3] for row in examples["conflict"]} == {
        7: "nama di sini Pekerja Nomor 4",
        8: "KPJ 999 milik pekerja lain",
        9: "tanggal lahir tidak cocok dengan NIK",
    }
    assert examples["ready"][0][1] != nik_for(2)  # NIKs are masked on the page
    assert Enrollment.objects.filter(status="active").count() == 1  # nothing changes before confirming


def test_verified_workers_missing_from_the_list_are_named(campaign, official, enrolled):
    batch = _checked(campaign, official, f"NIK,Nama\n{nik_for(1)},Pekerja Nomor 1\n")
    assert batch.summary["counts"]["missing"] == 5  # 2, 3, 4, 5, 7: verified here, not on the list


def test_confirming_activates_only_verified_rows_unless_others_are_named(campaign, official, enrolled):
    reconcile.reconcile_commit(_checked(campaign, official), by=official, coverage_starts=TODAY)
    assert Enrollment.objects.get(pk=enrolled[6].pk).status == "registered"  # not verified: left alone
    assert Enrollment.objects.get(pk=enrolled[2].pk).status == "active"


def test_the_list_shows_its_rows_and_activates_the_ticked_unverified_ones(
    client, campaign, official, enrolled
):
    batch = _checked(campaign, official)
    client.force_login(official)
    page = client.get(reverse("imports:detail", args=[batch.pk])).content.decode()
    # The rows to act on are open, the unverified ones each with a box to tick.
    assert page.count('<details class="list-group-item reconcile-category" open>') == 3
    assert f'name="unverified" value="{enrolled[6].pk}"' in page

    client.post(
        reverse("imports:commit", args=[batch.pk]),
        {"coverage_starts": TODAY.isoformat(), "unverified": [str(enrolled[6].pk), str(enrolled[3].pk)]},
    )

    statuses = dict(
        Enrollment.objects.filter(pk__in=[enrolled[n].pk for n in (2, 3, 6)]).values_list("pk", "status")
    )
    assert statuses == {enrolled[2].pk: "active", enrolled[3].pk: "verified", enrolled[6].pk: "active"}


def test_confirming_activates_the_ready_rows_and_undo_puts_them_back(campaign, official, enrolled):
    batch = _checked(campaign, official)
    reconcile.reconcile_commit(
        batch, by=official, coverage_starts=TODAY, unverified=frozenset({enrolled[6].pk})
    )
    two, six = (Enrollment.objects.select_related("worker").get(pk=enrolled[n].pk) for n in (2, 6))
    assert (two.status, two.worker.kpj_number, two.coverage_starts) == ("active", "222", TODAY)
    assert (six.status, six.worker.kpj_number) == ("active", "666")
    assert batch.enrolled == 2 and batch.enrollments.count() == 2
    quota = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")
    assert quota.active_count == 3
    assert reconcile.reconcile_undo(batch=batch, by=official, reason="daftar salah cabang") == 2
    two, six = (Enrollment.objects.select_related("worker").get(pk=enrolled[n].pk) for n in (2, 6))
    assert (two.status, two.worker.kpj_number, two.coverage_starts) == ("verified", None, None)
    assert (six.status, six.verified_at) == ("registered", None)
    quota.refresh_from_db()
    assert (quota.active_count, quota.verified_count, quota.registered_count) == (1, 5, 1)


def test_names_differing_only_in_spelling_or_titles_are_the_same_person():
    same = reconcile.same_person_name
    assert same("Siti Aminah", "SITI AMINAH")
    assert same("Hj. Siti Aminah", "Siti Aminah")
    assert same("Muhammad Yusuf", "Muhamad Yusup")
    assert same("Asep", "Asep Saepudin")
    assert not same("Asep Saepudin", "Dedi Mulyadi")


def test_a_list_for_another_area_sees_nothing_of_this_one(campaign, official, enrolled):
    batch = services.import_upload(
        kind="branch_list", campaign=campaign, data=BRANCH_LIST.encode(), file_name="bpjs.csv",
        by=official, region=Region.objects.get(code="32.14.16.2006"),
    )  # fmt: skip
    batch = reconcile.reconcile_check(batch)
    assert batch.summary["counts"]["unknown"] == 6  # rows 2-7: Tanjungsari's workers, not Cibodas's
