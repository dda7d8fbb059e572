"""The agent's flow through the pages, as on the phone."""

import json
import re

import pytest
from django.db import connection
from django.urls import reverse

from campaigns.models import Campaign, Quota
from enrollment.models import Enrollment, Worker
from tests.factories import SIGNED_IN, AgentFactory, CampaignFactory, nik_for, quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def tanjungsari_quota(campaign):
    return Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")


def entry(quota, n: int = 1, **overrides) -> dict:
    data = {
        "quota": quota.pk,
        "nik": nik_for(n),
        "full_name": "Asep Saepudin",
        "birth_date": "",
        "sex": "",
        "phone": "0812 3456 7890",
        "address": "Kp. Cibodas RT 02/RW 03",
        "occupation": "petani",
        "occupation_other": "",
        "monthly_income": "1500000",
        "kk_number": "",
        "heir_name": "Euis",
        "heir_relationship": "spouse",
        "heir_nik": "",
        "funding_source": "",
        "not_hospitalised": "on",
        "consent": "on",
    }
    return {**data, **overrides}


def test_an_agent_enrolls_a_worker_and_sees_the_villages_count(client, agent, tanjungsari_quota):
    Quota.objects.filter(pk=tanjungsari_quota.pk).update(filled=52, registered_count=52)
    client.force_login(agent)

    response = client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari_quota), follow=True)

    assert "Desa Tanjungsari: 53 dari 100 terisi." in response.content.decode()
    worker = Worker.objects.get(nik=nik_for(1))
    assert (str(worker.birth_date), worker.sex) == ("1995-08-15", "L")
    enrollment = Enrollment.objects.get()
    assert (enrollment.full_name, enrollment.phone) == ("Asep Saepudin", "+6281234567890")
    assert (enrollment.consent_collected_by, enrollment.declared_not_hospitalised) == (agent, True)
    assert (enrollment.entered_by, enrollment.status) == (agent, Enrollment.Status.REGISTERED)


def test_save_and_add_another_returns_to_an_empty_form_for_the_same_village(client, agent, tanjungsari_quota):
    client.force_login(agent)

    response = client.post(
        reverse("enrollment:enrollment_create"), {**entry(tanjungsari_quota), "add_another": "1"}
    )

    assert response["Location"] == f"{reverse('enrollment:enrollment_create')}?quota={tanjungsari_quota.pk}"
    form = client.get(response["Location"]).context["form"]
    assert form["quota"].value() == str(tanjungsari_quota.pk)
    assert not form["nik"].value()


def test_the_only_village_is_preselected(client, purwakarta, campaign):
    client.force_login(AgentFactory(regions=["32.14.16.2006"]))

    form = client.get(reverse("enrollment:enrollment_create")).context["form"]

    only = Quota.objects.get(campaign=campaign, village__code="32.14.16.2006")
    assert list(form.fields["quota"].queryset) == [only]
    assert form["quota"].value() == only.pk


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"nik": "32141615089500"}, "nik", "16 digit"),
        ({"nik": "3214169908950001"}, "nik", "bukan tanggal"),
        ({"birth_date": "1995-08-16"}, "birth_date", "tidak sesuai dengan NIK"),
        ({"sex": "P"}, "sex", "tidak sesuai dengan NIK"),
        ({"nik": "3214161508150001"}, "birth_date", "usia 15 sampai 65"),  # born 2015: 11 years old
        ({"occupation": "other"}, "occupation_other", "Sebutkan"),
        ({"phone": "12345"}, "phone", "tidak valid"),
        ({"consent": ""}, "consent", "Bidang ini tidak boleh kosong"),
    ],
)
def test_bad_entries_are_refused_with_a_message_and_change_nothing(
    client, agent, tanjungsari_quota, overrides, field, message
):
    client.force_login(agent)

    response = client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari_quota, **overrides))

    assert message in str(response.context["form"].errors[field])
    assert not Enrollment.objects.exists()
    assert Quota.objects.get(pk=tanjungsari_quota.pk).filled == 0


def test_a_nik_from_another_district_is_a_warning_not_an_error(client, agent, tanjungsari_quota):
    client.force_login(agent)

    response = client.post(
        reverse("enrollment:enrollment_create"), entry(tanjungsari_quota, nik="3273011508950001"), follow=True
    )

    assert Enrollment.objects.count() == 1
    assert "32.73.01" in response.content.decode()


def test_a_full_village_says_so_and_offers_the_reserve_list(client, agent, tanjungsari_quota):
    Quota.objects.filter(pk=tanjungsari_quota.pk).update(target=1, filled=1, registered_count=1)
    client.force_login(agent)

    full = client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari_quota))
    reserved = client.post(
        reverse("enrollment:enrollment_create"),
        {**entry(tanjungsari_quota), "reserve_if_full": "1"},
        follow=True,
    )

    assert "Desa Tanjungsari penuh: 1 dari 1 slot sudah terisi." in full.content.decode()
    assert full.context["village_full"]
    assert Enrollment.objects.get().status == Enrollment.Status.RESERVE
    assert "daftar cadangan" in reserved.content.decode()


def test_an_agent_cannot_enroll_into_a_village_outside_their_area(client, agent, campaign):
    cibodas = Quota.objects.get(campaign=campaign, village__code="32.14.16.2006")
    client.force_login(agent)

    response = client.post(reverse("enrollment:enrollment_create"), entry(cibodas))

    assert "quota" in response.context["form"].errors
    assert not Enrollment.objects.exists()


def test_the_nik_check_fills_birth_date_and_sex(client, agent):
    client.force_login(agent)

    response = client.post(reverse("enrollment:nik_check"), {"nik": "3214165508950001"})

    html = response.content.decode()
    assert 'value="1995-08-15"' in html
    assert '<option value="P" selected>' in html


def test_an_agent_corrects_their_own_entry_while_registered(client, agent, tanjungsari_quota):
    client.force_login(agent)
    client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari_quota))
    enrollment = Enrollment.objects.get()
    data = {k: v for k, v in entry(tanjungsari_quota, full_name="Asep Saepulloh").items() if k != "quota"}

    response = client.post(reverse("enrollment:enrollment_edit", args=[enrollment.pk]), data)

    assert response.status_code == 302
    assert Enrollment.objects.get().full_name == "Asep Saepulloh"
    detail = client.get(reverse("enrollment:enrollment_detail", args=[enrollment.pk])).content.decode()
    assert "Asep Saepudin → Asep Saepulloh" in detail


def test_an_agent_cancels_their_own_entry_and_the_slot_comes_back(client, agent, tanjungsari_quota):
    client.force_login(agent)
    client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari_quota))
    enrollment = Enrollment.objects.get()

    client.post(reverse("enrollment:enrollment_cancel", args=[enrollment.pk]), {"reason": "Salah orang"})

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.CANCELLED
    assert Quota.objects.get(pk=tanjungsari_quota.pk).filled == 0


def test_another_agent_in_the_same_village_cannot_change_my_entry(client, agent, tanjungsari_quota):
    client.force_login(agent)
    client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari_quota))
    enrollment = Enrollment.objects.get()
    client.force_login(AgentFactory(regions=["32.14.16.2005"]))

    assert client.get(reverse("enrollment:enrollment_edit", args=[enrollment.pk])).status_code == 403
    assert (
        client.post(
            reverse("enrollment:enrollment_cancel", args=[enrollment.pk]), {"reason": "x"}
        ).status_code
        == 403
    )


def test_the_same_worker_twice_is_refused_naming_the_village(client, agent, tanjungsari_quota):
    client.force_login(agent)
    client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari_quota))

    response = client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari_quota))

    assert "sudah terdaftar di kampanye ini, di Desa Tanjungsari" in response.content.decode()
    assert Quota.objects.get(pk=tanjungsari_quota.pk).filled == 1


def test_save_and_add_another_through_htmx_answers_with_the_message_only(client, agent, tanjungsari_quota):
    client.force_login(agent)

    response = client.post(
        reverse("enrollment:enrollment_create"),
        {**entry(tanjungsari_quota), "add_another": "1"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "enrollment-saved" in response["HX-Trigger"]  # the page empties the inputs itself
    assert "Asep Saepudin terdaftar. Desa Tanjungsari: 1 dari 100 terisi." in html
    assert "<form" not in html
    assert len(html) < 500  # a weak connection carries a few hundred bytes, not the whole form


def test_a_refused_entry_through_htmx_answers_with_the_form_and_its_errors(client, agent, tanjungsari_quota):
    client.force_login(agent)

    response = client.post(
        reverse("enrollment:enrollment_create"),
        {**entry(tanjungsari_quota, sex="P"), "add_another": "1"},
        headers={"HX-Request": "true"},
    )

    assert response["HX-Retarget"] == "#entry-form"
    assert "Jenis kelamin tidak sesuai dengan NIK." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_save_through_htmx_sends_the_browser_to_the_new_entry(client, agent, tanjungsari_quota):
    client.force_login(agent)

    response = client.post(
        reverse("enrollment:enrollment_create"), entry(tanjungsari_quota), headers={"HX-Request": "true"}
    )

    assert response["HX-Redirect"] == reverse(
        "enrollment:enrollment_detail", args=[Enrollment.objects.get().pk]
    )


def test_a_second_heir_is_saved_in_order(client, agent, tanjungsari_quota):
    client.force_login(agent)

    client.post(
        reverse("enrollment:enrollment_create"),
        entry(tanjungsari_quota, heir2_name="Dede", heir2_relationship="child", heir2_nik=nik_for(9)),
    )

    heirs = [(h.name, h.relationship, h.nik) for h in Enrollment.objects.get().heirs.all()]
    assert heirs == [("Euis", "spouse", ""), ("Dede", "child", nik_for(9))]


def test_an_official_with_many_villages_searches_for_one_instead_of_a_long_list(
    client, campaign, official, other_official
):
    from regions.models import Region
    from tests.factories import quota

    for village in (
        Region.objects.villages().filter(code__startswith="32.14.").exclude(quotas__campaign=campaign)[:40]
    ):
        quota(campaign, village.code)
    karawang = quota(campaign, "32.15.01.1001")  # in the campaign, outside the official's reach
    client.force_login(official)

    page = client.get(reverse("enrollment:enrollment_create")).content.decode()
    found = client.get(reverse("enrollment:quota_picker"), {"q": "Tanjungsari"}).content.decode()
    by_code = client.get(reverse("enrollment:quota_picker"), {"q": "32.15.01"}).content.decode()
    tanjungsari = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")
    saved = client.post(reverse("enrollment:enrollment_create"), entry(tanjungsari))

    assert 'id="quota-search"' in page and "<option" not in page.split('id="quota-search"')[0][-2000:]
    assert page.count('name="quota"') == 0  # nothing listed until the official searches
    assert f'value="{tanjungsari.pk}"' in found and "Kec. Pondoksalam" in found
    assert f'name="quota" value="{karawang.pk}"' not in by_code and "Tidak ada kuota desa" in by_code
    assert saved.status_code == 302
    assert Enrollment.objects.get().village.code == "32.14.16.2005"


def test_an_agent_with_a_few_villages_chooses_from_a_list(client, campaign):
    agent = AgentFactory(regions=["32.14.16.2005", "32.14.16.2006"])
    client.force_login(agent)

    page = client.get(reverse("enrollment:enrollment_create")).content.decode()

    assert 'id="quota-search"' not in page and page.count("<option") >= 2


def test_a_double_tap_sends_one_entry_twice_and_both_answers_say_saved(client, agent, tanjungsari_quota):
    client.force_login(agent)
    page = client.get(reverse("enrollment:enrollment_create")).content.decode()
    key = re.search(r'name="entry_key" value="([0-9a-f-]{36})"', page).group(1)
    data = {**entry(tanjungsari_quota), "add_another": "1", "entry_key": key}
    answers = [
        client.post(reverse("enrollment:enrollment_create"), data, headers={"HX-Request": "true"})
        for _tap in range(2)
    ]
    assert Enrollment.objects.count() == 1
    for answer in answers:  # the second tap answers as the first did, not with an empty form's errors
        assert "Asep Saepudin terdaftar. Desa Tanjungsari: 1 dari 100 terisi." in answer.content.decode()
        assert json.loads(answer["HX-Trigger"])["enrollment-saved"]["key"] != key  # the next one's


def test_each_entry_form_carries_a_key_of_its_own(client, agent, tanjungsari_quota):
    client.force_login(agent)
    keys = {
        re.search(
            r'name="entry_key" value="([^"]+)"',
            client.get(reverse("enrollment:enrollment_create")).content.decode(),
        ).group(1)
        for _visit in range(2)
    }
    assert len(keys) == 2


def test_the_nik_check_names_the_district_and_warns_before_saving(client, agent, official, tanjungsari_quota):
    from tests.factories import enroll

    client.force_login(agent)
    check = reverse("enrollment:nik_check")
    html = client.post(check, {"nik": nik_for(1), "quota": tanjungsari_quota.pk}).content.decode()
    assert "diterbitkan di Kec. Pondoksalam, Kabupaten Purwakarta" in html and "sudah terdaftar" not in html
    assert "bukan kecamatan desa ini" not in html
    other = nik_for(2, district="321401")  # issued in Kec. Purwakarta, not Tanjungsari's Pondoksalam
    html = client.post(check, {"nik": other, "quota": tanjungsari_quota.pk}).content.decode()
    assert "bukan kecamatan desa ini" in html
    enroll(tanjungsari_quota.campaign, official, 1)
    html = client.post(check, {"nik": nik_for(1), "quota": tanjungsari_quota.pk}).content.decode()
    assert "Pekerja ini sudah terdaftar di kampanye ini, di Desa Tanjungsari." in html
    # Without a village chosen (or one outside the agent's reach), nothing is said about the campaign.
    assert "sudah terdaftar" not in client.post(check, {"nik": nik_for(1)}).content.decode()
    assert "sudah terdaftar" not in client.post(check, {"nik": nik_for(1), "quota": "99999"}).content.decode()


def test_the_nik_check_says_at_once_when_the_worker_is_too_young_or_too_old(client, agent, tanjungsari_quota):
    client.force_login(agent)
    check = reverse("enrollment:nik_check")
    for born in ("010115", "010150"):  # 2015 and 1950: too young and too old whatever today is
        html = client.post(
            check, {"nik": nik_for(1, born=born), "quota": tanjungsari_quota.pk}
        ).content.decode()
        assert "kampanye ini untuk pekerja usia 15 sampai 65 tahun" in html
    grown = client.post(check, {"nik": nik_for(1), "quota": tanjungsari_quota.pk}).content.decode()
    assert 'id="nik-age"' not in grown


def test_a_kk_and_phone_typed_with_spaces_are_not_cut_by_the_browser_and_saved_whole(
    client, agent, tanjungsari_quota
):
    client.force_login(agent)
    form = client.get(
        reverse("enrollment:enrollment_create"), {"quota": tanjungsari_quota.pk}
    ).content.decode()
    for name in ("kk_number", "phone"):
        tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', form)[0]
        assert "maxlength" not in tag

    client.post(
        reverse("enrollment:enrollment_create"),
        entry(tanjungsari_quota, kk_number="3214 1612 0585 0008", phone="+62 812-3456-7890"),
    )

    assert Enrollment.objects.values_list("kk_number", "phone").get() == (
        "3214161205850008",
        "+6281234567890",
    )


def save_and_add_another(client, quota_, n: int, **overrides):
    """The entry's "save and add another" through htmx, as the phone sends it."""
    return client.post(
        reverse("enrollment:enrollment_create"),
        {**entry(quota_, n, **overrides), "add_another": "1"},
        headers={"HX-Request": "true"},
    )


# A new worker's writes: the worker, the slot with the enrollment, and the heir, each row with its
# history in one statement on PostgreSQL (config.fast_insert); the slot and each history row apart
# elsewhere.
NEW_WORKER_WRITES = 3 if connection.vendor == "postgresql" else 7


def test_one_submit_reads_each_thing_once(client, agent, tanjungsari_quota, django_assert_num_queries):
    """A new worker's "save and add another", in the queries a submit needs (issue 25: 21 before,
    10 now on PostgreSQL): the session, the user and their villages (one query on PostgreSQL); the
    chosen quota; the worker and those a digit away, in one query; the near duplicates' enrollments
    and the village's namesakes; the writes; and the test's own savepoint around them. A near
    duplicate found (rare) is read whole in one query more, for its warning."""
    client.force_login(agent)
    save_and_add_another(client, tanjungsari_quota, 23)  # not a digit or a swap away from worker 2

    with django_assert_num_queries(6 + NEW_WORKER_WRITES + SIGNED_IN):
        response = save_and_add_another(client, tanjungsari_quota, 2, full_name="Ujang")

    assert "Ujang terdaftar. Desa Tanjungsari: 2 dari 100 terisi." in response.content.decode()
    assert json.loads(response["HX-Trigger"])["enrollment-saved"]["left"] == 98


# A returning worker's: the slot with the enrollment, and the heir.
RETURNING_WORKER_WRITES = 2 if connection.vendor == "postgresql" else 5


def test_a_returning_workers_submit_asks_nothing_again(
    client, agent, campaign, tanjungsari_quota, django_assert_num_queries
):
    """A worker enrolled in another campaign before: whether they are in this one was read with
    their NIK (KnownNik), and is not asked again before the save. Their other enrollments are read
    once, for the campaign's rule on workers covered elsewhere (10 queries on PostgreSQL, as for a
    new worker)."""
    earlier = CampaignFactory(organizer=campaign.organizer, status=Campaign.Status.ACTIVE)
    quota(earlier, "32.14.16.2005")
    client.force_login(agent)
    client.post(reverse("enrollment:enrollment_create"), entry(Quota.objects.get(campaign=earlier), 2))
    save_and_add_another(client, tanjungsari_quota, 23)

    with django_assert_num_queries(7 + RETURNING_WORKER_WRITES + SIGNED_IN):
        response = save_and_add_another(client, tanjungsari_quota, 2, full_name="Ujang")

    assert "Ujang terdaftar." in response.content.decode()
    assert Enrollment.objects.filter(worker__nik=nik_for(2)).count() == 2
