import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from enrollment.merge import worker_merge
from enrollment.models import Enrollment, Heir, Worker
from enrollment.nearby import nik_neighbours, normal_name, pairs_among
from enrollment.rules import EnrollmentError
from targeting.models import NearDuplicate
from tests.factories import CampaignFactory, enroll, nik_for, quota

pytestmark = pytest.mark.django_db

TANJUNGSARI = "32.14.16.2005"


def _entry(quota_id, nik, name="Asep Saepudin", kk=""):
    return {
        "quota": quota_id, "nik": nik, "full_name": name, "phone": "081234567890", "address": "Kp. Cibodas",
        "occupation": "petani", "monthly_income": "1500000", "kk_number": kk, "heir_name": "Euis",
        "heir_relationship": "spouse", "not_hospitalised": "on", "consent": "on",
    }  # fmt: skip


def test_the_neighbours_of_a_nik_are_one_digit_or_one_swap_away():
    near = nik_neighbours("3214161508950001")
    assert near["3214161508950002"] == "digit" and near["3214161508950010"] == "swap"
    assert "3214161508950001" not in near and "3214161508950022" not in near
    assert len(near) == 144 + 13  # 16 x 9 digits; a swap of two equal digits is no change


def _every_pair(people) -> set[tuple[int, int]]:
    """What pairs_among must find, by comparing every pair (too slow for the nightly search)."""
    found = set()
    keys = sorted(people)
    for i, a in enumerate(keys):
        for b in keys[i + 1 :]:
            (nik_a, name_a, born_a, kk_a), (nik_b, name_b, born_b, kk_b) = people[a], people[b]
            same_name = normal_name(name_a) == normal_name(name_b)
            if nik_b in nik_neighbours(nik_a) or (
                same_name and (born_a == born_b or (kk_a and kk_a == kk_b))
            ):
                found.add((a, b))
    return found


def _typed(nik: str, typos: list[tuple[int, str]]) -> str:
    """The NIK with typos: a digit at a position, or "s" to swap it with the next one."""
    digits = list(nik)
    for at, typo in typos:
        if typo == "s":
            digits[at], digits[at + 1] = digits[at + 1], digits[at]
        else:
            digits[at] = typo
    return "".join(digits)


# Typos near the middle too, where the search splits a NIK in halves.
_typo = st.tuples(st.one_of(st.integers(0, 14), st.integers(6, 8)), st.sampled_from("0123456789ss"))


@settings(max_examples=300, deadline=None)
@given(
    st.text("0123456789", min_size=16, max_size=16),
    st.lists(
        st.tuples(
            st.lists(_typo, max_size=2),  # each person's NIK: one NIK with up to two typos
            st.sampled_from(["Asep", "asep ", "Euis"]),
            st.sampled_from([1, 2]),
            st.sampled_from(["", "K1", "K2"]),
        ),
        max_size=12,
    ),
)
def test_the_village_search_finds_exactly_the_pairs_a_comparison_of_every_pair_finds(nik, typed):
    people, held = {}, set()
    for n, (typos, name, born, kk) in enumerate(typed):
        if (worker_nik := _typed(nik, typos)) not in held:  # a NIK is held once
            held.add(worker_nik)
            people[n] = (worker_nik, name, born, kk)
    assert set(pairs_among(people)) == _every_pair(people)


def test_the_nik_check_warns_of_a_mistyped_nik_before_saving(client, agent, campaign):
    enroll(campaign, agent, 1, code=TANJUNGSARI)
    quota_id = campaign.quotas.get(village__code=TANJUNGSARI).pk
    client.force_login(agent)
    mistyped = nik_for(1)[:-2] + "10"  # …0001 typed …0010
    html = client.post(reverse("enrollment:nik_check"), {"nik": mistyped, "quota": quota_id}).content.decode()
    assert "Mungkin orang yang sama dengan Asep Saepudin (3214********0001" in html
    assert nik_for(1) not in html


def test_the_same_name_and_birth_date_in_the_village_is_named_on_saving(client, agent, campaign):
    enroll(campaign, agent, 1, code=TANJUNGSARI)
    quota_id = campaign.quotas.get(village__code=TANJUNGSARI).pk
    client.force_login(agent)
    response = client.post(
        reverse("enrollment:enrollment_create"), _entry(quota_id, nik_for(57)), follow=True
    )
    assert Enrollment.objects.filter(worker__nik=nik_for(57)).exists()  # a warning, not a refusal
    assert "nama dan tanggal lahir yang sama di desa yang sama" in response.content.decode()


@pytest.mark.parametrize(
    ("born", "kk", "said"),
    [
        ("150895", "", "nama dan tanggal lahir yang sama di desa yang sama"),
        ("010190", "3214161205850008", "KK dan nama yang sama di desa yang sama"),
        ("010190", "", None),  # a namesake born another day, of another family: someone else
    ],
)
def test_a_namesake_in_the_village_is_named_only_with_the_same_birth_date_or_kk(
    client, agent, campaign, born, kk, said
):
    enroll(campaign, agent, 1, code=TANJUNGSARI, kk_number="3214161205850008")
    quota_id = campaign.quotas.get(village__code=TANJUNGSARI).pk
    client.force_login(agent)
    nik = nik_for(57, born=born)
    html = client.post(reverse("enrollment:enrollment_create"), _entry(quota_id, nik, kk=kk), follow=True)
    assert Enrollment.objects.filter(worker__nik=nik).exists()
    page = html.content.decode()
    if said:
        assert said in page and "Mungkin orang yang sama dengan Asep Saepudin" in page
    else:
        assert "Mungkin orang yang sama" not in page


def test_an_agent_of_another_village_hears_nothing_of_ours(client, agent, campaign):
    from tests.factories import AgentFactory

    enroll(campaign, agent, 1, code=TANJUNGSARI)
    stranger = AgentFactory(username="agen.cibodas", regions=["32.14.16.2006"])
    client.force_login(stranger)
    quota_id = campaign.quotas.get(village__code="32.14.16.2006").pk
    html = client.post(
        reverse("enrollment:nik_check"), {"nik": nik_for(1)[:-1] + "2", "quota": quota_id}
    ).content
    assert "Asep" not in html.decode()


def test_the_nightly_search_finds_each_pair_once_and_not_a_pair_decided_different(official, agent, campaign):
    enroll(campaign, agent, 1, code=TANJUNGSARI)
    enroll(campaign, agent, 10, code=TANJUNGSARI, full_name="Budi")  # …0010: a swap of …0001
    enroll(campaign, agent, 57, code=TANJUNGSARI, full_name="Cucu")
    enroll(campaign, official, 2, code="32.14.16.2006", full_name="Dedi")  # one digit off, another village
    out = io.StringIO()
    call_command("find_near_duplicates", stdout=out)
    assert out.getvalue().startswith("1 possible")
    pair = NearDuplicate.objects.get()
    assert (pair.first.nik, pair.second.nik, pair.reason) == (nik_for(1), nik_for(10), "swap")
    pair.decision = NearDuplicate.Decision.DIFFERENT
    pair.save()
    call_command("find_near_duplicates", stdout=out)
    assert NearDuplicate.objects.count() == 1


def test_merging_keeps_every_enrollment_heir_and_history(client, official, agent, campaign):
    kept = enroll(campaign, agent, 1, code=TANJUNGSARI)
    other = CampaignFactory(organizer=campaign.organizer, status="active", created_by=official)
    quota(other, TANJUNGSARI, target=10)
    twice = enroll(other, agent, 10, code=TANJUNGSARI, full_name="Asep Saepudin")
    call_command("find_near_duplicates", stdout=io.StringIO())
    pair = NearDuplicate.objects.get()
    client.force_login(official)
    page = client.get(reverse("targeting:near_duplicate_list")).content.decode()
    assert "3214********0010" in page and nik_for(10) not in page
    response = client.post(
        reverse("targeting:near_duplicate_decide", args=[pair.pk]),
        {"decision": "same", "keep": kept.worker_id},
    )
    assert response.status_code == 302
    twice.refresh_from_db()
    assert twice.worker_id == kept.worker_id and twice.full_name == "Asep Saepudin"
    assert Heir.objects.filter(enrollment=twice).exists()
    assert not Worker.objects.filter(nik=nik_for(10)).exists()
    assert Worker.history.filter(nik=nik_for(10), history_type="-").exists()  # kept in history
    assert twice.history.filter(worker_id=kept.worker_id).exists()
    pair.refresh_from_db()
    assert (pair.decision, pair.merged, pair.decided_by) == ("same", 1, official)


def test_entered_twice_in_one_campaign_the_later_entry_is_cancelled_and_its_slot_freed(
    official, agent, campaign
):
    first = enroll(campaign, agent, 1, code=TANJUNGSARI)
    second = enroll(campaign, agent, 10, code=TANJUNGSARI)  # the same person, two digits swapped
    quota_ = campaign.quotas.get(village__code=TANJUNGSARI)
    filled = quota_.filled
    worker_merge(
        keep=second.worker, absorb=first.worker, by=official
    )  # the official keeps the NIK typed second
    first.refresh_from_db()
    second.refresh_from_db()
    quota_.refresh_from_db()
    assert (first.status, second.status) == ("registered", "cancelled")  # the first entry stays
    assert first.worker_id == second.worker_id and quota_.filled == filled - 1
    assert "dua kali" in second.reason
    assert Heir.objects.filter(enrollment=second).exists()  # kept with the cancelled entry


def test_two_members_of_one_campaign_are_not_merged(official, agent, campaign):
    first = enroll(campaign, agent, 1, code=TANJUNGSARI)
    second = enroll(campaign, agent, 10, code=TANJUNGSARI)
    Enrollment.objects.filter(pk__in=[first.pk, second.pk]).update(
        status="active", coverage_starts=campaign.starts_on
    )
    with pytest.raises(EnrollmentError, match="cabang BPJS"):
        worker_merge(keep=first.worker, absorb=second.worker, by=official)
    assert Worker.objects.filter(pk=second.worker_id).exists()


def test_the_review_is_for_officials_of_the_area(client, official, other_official, agent, campaign):
    enroll(campaign, agent, 1, code=TANJUNGSARI)
    enroll(campaign, agent, 10, code=TANJUNGSARI, full_name="Budi")
    call_command("find_near_duplicates", stdout=io.StringIO())
    pair = NearDuplicate.objects.get()
    client.force_login(agent)
    assert client.get(reverse("targeting:near_duplicate_list")).status_code == 403
    client.force_login(other_official)
    assert "0010" not in client.get(reverse("targeting:near_duplicate_list")).content.decode()
    response = client.post(
        reverse("targeting:near_duplicate_decide", args=[pair.pk]), {"decision": "different"}
    )
    assert response.status_code == 404
    pair.refresh_from_db()
    assert pair.decision == "open"


def test_an_import_names_the_rows_that_may_be_a_worker_entered_before(official, agent, campaign):
    from imports.services import import_upload
    from imports.tasks import start

    enroll(campaign, agent, 1, code=TANJUNGSARI)  # Asep Saepudin, …0001
    rows = [
        f"{nik_for(10)};Asep Saepudin;{TANJUNGSARI};petani",  # …0010: a swap of …0001
        f"{nik_for(57)};Cucu;{TANJUNGSARI};petani",
        f"{nik_for(75)};Dadang;{TANJUNGSARI};petani",  # …0075: a swap of row 3's …0057
    ]
    batch = import_upload(
        kind="signups", campaign=campaign, file_name="daftar.csv", by=official,
        data=("nik;nama;kode_desa;pekerjaan\n" + "\n".join(rows) + "\n").encode(),
    )  # fmt: skip
    start(batch, "check")
    batch.refresh_from_db()
    near = sorted(
        (row, message) for row, _column, message in batch.warnings if "mungkin orang yang sama" in message
    )
    assert near == [
        (
            2,
            "mungkin orang yang sama dengan Asep Saepudin (3214********0001): dua angka NIK yang bersebelahan tertukar",
        ),
        (3, "mungkin orang yang sama dengan baris 4: dua angka NIK yang bersebelahan tertukar"),
    ]
    assert batch.valid == 3  # warnings: the rows are saved
