import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from imports import tasks
from imports.models import ImportBatch
from imports.registered import undo
from targeting.models import TargetList, TargetPerson, Visit
from tests.factories import SIGNED_IN, TODAY, nik_for

from .world import CIBODAS, KK, TANJUNGSARI, as_file, confirmed, upload

pytestmark = pytest.mark.django_db

LAST_WEEK, TOMORROW = (TODAY - dt.timedelta(days=7)).isoformat(), (TODAY + dt.timedelta(days=1)).isoformat()


def _examples(batch, category):
    return [(row, key, who, note) for row, key, who, note, _id in batch.summary["examples"][category]]


def test_the_dry_run_sorts_every_row_and_saves_nothing(official, people):
    bad = (nik_for(106)[:15], KK, 2, "Pendek", TANJUNGSARI)
    wrong_desil = (nik_for(107), KK, 11, "Sebelas", TANJUNGSARI)
    elsewhere = (nik_for(108), KK, 2, "Karawang", "32.15.01.2001")
    target_list, batch = upload(official, [*people, bad, wrong_desil, elsewhere])
    assert batch.state == ImportBatch.State.CHECKED
    assert batch.summary["counts"] == {"new": 5, "changed": 0, "same": 0, "gone": 0, "problem": 3}
    assert _examples(batch, "problem") == [
        (7, "3214***********", "Pendek", "NIK terdiri dari tepat 16 digit angka."),  # masked, even when short
        (8, "3214********0107", "Sebelas", "desil berupa angka 1 sampai 10"),
        (9, "3214********0108", "Karawang", "32.15.01.2001 bukan desa/kelurahan di Kabupaten Purwakarta"),
    ]
    assert _examples(batch, "new")[0][1] == "3214********0101"  # masked on the page
    assert not TargetPerson.objects.exists() and target_list.state == TargetList.State.CHECKING
    assert len(batch.problems) == 3  # the errors download has them


def test_confirming_makes_the_list_current_with_its_people(official, people):
    target_list = confirmed(official, people)
    assert target_list.people == 5
    person = TargetPerson.objects.get(nik=nik_for(101))
    assert (person.desil, person.full_name, person.rt_rw, person.village.code) == (
        1,
        "Euis Komariah",
        "002/001",
        TANJUNGSARI,
    )
    assert person.birth_date.isoformat() == "1995-08-15" and person.sex == "L"  # from the NIK


def test_a_new_round_replaces_the_earlier_and_says_what_changed(official, people):
    first = confirmed(official, people)
    moved_up = (people[2][0], people[2][1], 2, people[2][3], TANJUNGSARI)
    newcomer = (nik_for(120), KK, 1, "Nining", CIBODAS)
    second, batch = upload(
        official, [people[0], people[1], moved_up, newcomer], round_="DTSEN triwulan IV 2026"
    )
    assert batch.summary["counts"] == {"new": 1, "changed": 1, "same": 2, "gone": 2, "problem": 0}
    assert "3 → 2" in _examples(batch, "changed")[0][3]
    assert {who for _row, _key, who, _note in _examples(batch, "gone")} == {"Rina Marlina", "Asep Sunandar"}
    tasks.start(batch, "commit")
    first.refresh_from_db(), second.refresh_from_db()
    assert (first.state, first.replaced_by) == (TargetList.State.REPLACED, second)
    assert second.changes == {"new": 1, "changed": 1, "gone": 2, "replaced": 1}
    current = TargetPerson.objects.current()
    assert current.count() == 4 and current.get(nik=people[2][0]).desil == 2


def test_a_round_for_part_of_an_area_with_a_current_round_is_refused(official, people):
    confirmed(official, people)
    _target_list, batch = upload(official, people[:2], area="32.14.16")
    assert batch.state == ImportBatch.State.FAILED
    assert batch.error == (
        "Putaran yang berlaku dari sumber ini untuk Kabupaten Purwakarta: unggah putaran baru untuk seluruh wilayah itu."
    )


def test_undo_today_withdraws_the_list_and_brings_the_earlier_round_back(official, people):
    first = confirmed(official, people)
    second, batch = upload(official, people[:2], round_="DTSEN triwulan IV 2026")
    tasks.start(batch, "commit")
    batch.refresh_from_db()
    assert undo(batch=batch, by=official, reason="salah berkas") == 2
    first.refresh_from_db(), second.refresh_from_db()
    assert first.state == TargetList.State.CURRENT and second.state == TargetList.State.WITHDRAWN
    assert TargetPerson.objects.current().count() == 5


def test_withdrawing_deletes_the_people_and_keeps_the_record(client, official, people):
    target_list = confirmed(official, people)
    client.force_login(official)
    response = client.post(
        reverse("targeting:list_withdraw", args=[target_list.pk]), {"reason": "tujuan selesai"}
    )
    assert response.status_code == 302
    target_list.refresh_from_db()
    assert target_list.state == TargetList.State.WITHDRAWN and target_list.withdraw_reason == "tujuan selesai"
    assert not TargetPerson.objects.filter(target_list=target_list).exists()


def test_the_upload_page_records_the_handover_and_shows_the_dry_run(client, official, people):
    client.force_login(official)
    page = client.get(reverse("targeting:list_new"))
    assert page.status_code == 200 and "berita acara" in page.content.decode()
    response = client.post(
        reverse("targeting:list_new"),
        {
            "region": "32.14", "source": "dtsen", "round": "DTSEN triwulan III 2026",
            "given_by": "Dinas Sosial", "given_on": LAST_WEEK, "document_number": "BA/1", "file": as_file(people),
        },
    )  # fmt: skip
    target_list = TargetList.objects.get()
    assert response.status_code == 302 and response.url == reverse(
        "imports:detail", args=[target_list.batch_id]
    )
    detail = client.get(response.url).content.decode()
    assert "Berlakukan daftar 5 orang" in detail and "3214********0101" in detail
    assert target_list.given_by == "Dinas Sosial" and target_list.document_number == "BA/1"


def test_a_handover_in_the_future_or_an_area_outside_reach_is_refused(client, official, people):
    client.force_login(official)
    form = {"source": "dtsen", "round": "R", "given_by": "Dinsos", "file": as_file(people)}
    response = client.post(reverse("targeting:list_new"), {**form, "region": "32.15", "given_on": LAST_WEEK})
    assert response.status_code == 200 and not TargetList.objects.exists()
    response = client.post(reverse("targeting:list_new"), {**form, "region": "32.14", "given_on": TOMORROW})
    assert response.status_code == 200 and not TargetList.objects.exists()


def test_target_lists_are_for_officials_of_their_area(client, official, other_official, agent, people):
    target_list = confirmed(official, people)
    client.force_login(agent)
    assert client.get(reverse("targeting:list_list")).status_code == 403
    assert client.get(reverse("targeting:list_new")).status_code == 403
    client.force_login(other_official)
    assert client.get(reverse("targeting:list_detail", args=[target_list.pk])).status_code == 404
    response = client.post(reverse("targeting:list_withdraw", args=[target_list.pk]), {"reason": "x"})
    assert response.status_code == 404 and TargetPerson.objects.count() == 5
    assert "Purwakarta" not in client.get(reverse("targeting:list_list")).content.decode()


def test_a_replaced_rounds_people_are_purged_the_next_day(official, people):
    first = confirmed(official, people)
    second = confirmed(official, people[:2], round_="DTSEN triwulan IV 2026")
    call_command("purge_target_lists", stdout=io.StringIO())
    assert TargetPerson.objects.filter(target_list=first).count() == 5  # kept today, for the undo
    TargetList.objects.filter(pk=second.pk).update(created_at=F("created_at") - dt.timedelta(days=1))
    out = io.StringIO()
    call_command("purge_target_lists", stdout=out)
    assert (
        out.getvalue().startswith("5 people") and not TargetPerson.objects.filter(target_list=first).exists()
    )
    assert TargetPerson.objects.current().count() == 2


def test_erasing_a_worker_on_request_erases_them_from_the_lists_in_reach(official, agent, campaign, people):
    from enrollment.erasure import worker_erase
    from targeting.services import visit_record
    from tests.factories import enroll

    confirmed(official, people)
    enrollment = enroll(campaign, agent, 101, code=TANJUNGSARI)
    visit_record(
        person=TargetPerson.objects.get(nik=nik_for(101)), outcome="refuses", reason="Euis bilang", by=agent
    )
    worker_erase(enrollment=enrollment, by=official, reason="permintaan")
    assert not TargetPerson.objects.filter(nik=nik_for(101)).exists()
    assert TargetPerson.objects.filter(erased_at__isnull=False, full_name="").count() == 1
    assert (
        not Visit.objects.filter(nik=nik_for(101)).exists()
        and not Visit.history.filter(nik=nik_for(101)).exists()
    )


def test_a_saved_list_shows_its_people_per_decile_without_counting_them_again(
    client, official, people, django_assert_num_queries
):
    target_list = confirmed(official, people)  # deciles 1, 1, 3, 7, 2
    client.force_login(official)

    with django_assert_num_queries(
        SIGNED_IN + 2
    ):  # session, the user and their regions, the list: no count of its people
        page = client.get(reverse("targeting:list_detail", args=[target_list.pk])).content.decode()

    rows = re.findall(r'<th scope="row">Desil (\d+)</th><td class="text-end">(\d+)</td>', page)
    assert rows == [("1", "2"), ("2", "1"), ("3", "1"), ("7", "1")]
    assert target_list.by_desil == {"1": 2, "3": 1, "7": 1, "2": 1}
