import pytest
from django.test import override_settings
from django.urls import reverse

from campaigns.models import Quota, Strictness
from enrollment.models import Enrollment
from imports.services import import_upload
from imports.tasks import start
from targeting import preview
from tests.factories import OfficialFactory, nik_for

from .world import KK, TANJUNGSARI, confirmed

pytestmark = pytest.mark.django_db


def _rules(campaign, **rules):
    for name, value in rules.items():
        setattr(campaign, name, value)
    campaign.save()


def _nik_check(client, quota, nik):
    return client.post(reverse("enrollment:nik_check"), {"nik": nik, "quota": quota.pk}).content.decode()


def _entry(quota, nik, occupation="petani"):
    return {
        "quota": quota.pk, "nik": nik, "full_name": "Euis Komariah", "phone": "081234567890",
        "address": "Kp. Cibodas", "occupation": occupation, "monthly_income": "1500000",
        "kk_number": KK, "heir_name": "Ujang", "heir_relationship": "spouse",
        "not_hospitalised": "on", "consent": "on",
    }  # fmt: skip


@pytest.fixture
def quota(campaign):
    return Quota.objects.get(campaign=campaign, village__code=TANJUNGSARI)


def test_the_nik_check_says_a_refusing_rule_before_the_rest_is_typed(
    client, official, agent, campaign, quota, people
):
    confirmed(official, people)
    _rules(campaign, target_rule=Strictness.REFUSE, desil_rule=Strictness.REFUSE, max_desil=4)
    client.force_login(agent)
    assert "Tidak ada dalam daftar sasaran" in _nik_check(client, quota, nik_for(150))
    assert "desil 7" in _nik_check(client, quota, nik_for(104))  # Rina: listed, decile 7
    listed = _nik_check(client, quota, nik_for(101))  # Euis: decile 1
    assert "daftar sasaran" not in listed and "desil" not in listed


def test_a_refusing_rule_stops_the_entry_and_a_warning_lets_it_through(
    client, official, agent, campaign, quota, people
):
    confirmed(official, people)
    client.force_login(agent)
    _rules(campaign, desil_rule=Strictness.REFUSE, max_desil=4)
    response = client.post(reverse("enrollment:enrollment_create"), _entry(quota, nik_for(104)))
    assert response.status_code == 200 and not Enrollment.objects.filter(worker__nik=nik_for(104)).exists()
    _rules(campaign, desil_rule=Strictness.WARN)
    response = client.post(reverse("enrollment:enrollment_create"), _entry(quota, nik_for(104)), follow=True)
    assert Enrollment.objects.filter(worker__nik=nik_for(104)).exists()
    assert "desil 7" in response.content.decode()


def test_the_offline_queue_hears_the_same_refusal(client, official, agent, campaign, quota, people):
    confirmed(official, people)
    _rules(campaign, target_rule=Strictness.REFUSE)
    client.force_login(agent)
    answer = client.post(
        reverse("enrollment:enrollment_create"), _entry(quota, nik_for(150)), headers={"X-Desa100-Queue": "1"}
    ).json()
    assert answer["result"] == "refused" and "daftar sasaran" in answer["message"]


def test_the_occupation_rule_includes_or_excludes(client, agent, campaign, quota):
    _rules(
        campaign, occupation_rule=Strictness.REFUSE, occupations=["nelayan"], residence_rule=Strictness.OFF
    )
    client.force_login(agent)
    client.post(reverse("enrollment:enrollment_create"), _entry(quota, nik_for(160), "petani"))
    assert not Enrollment.objects.filter(worker__nik=nik_for(160)).exists()
    _rules(campaign, occupations_excluded=True)  # now: everyone but fishers
    client.post(reverse("enrollment:enrollment_create"), _entry(quota, nik_for(160), "petani"))
    assert Enrollment.objects.filter(worker__nik=nik_for(160)).exists()


def test_an_import_meets_the_same_rules_per_row(official, campaign, people):
    confirmed(official, people)
    _rules(campaign, target_rule=Strictness.REFUSE, desil_rule=Strictness.WARN, max_desil=4)
    rows = [f"{nik_for(n)};Nama {n};{TANJUNGSARI};petani" for n in (101, 104, 150)]
    batch = import_upload(
        kind="signups", campaign=campaign, file_name="daftar.csv", by=official,
        data=("nik;nama;kode_desa;pekerjaan\n" + "\n".join(rows) + "\n").encode(),
    )  # fmt: skip
    start(batch, "check")
    batch.refresh_from_db()
    assert batch.valid == 2
    assert [(row, message) for row, _column, message in batch.problems] == [
        (4, "Tidak ada dalam daftar sasaran Desa Tanjungsari.")
    ]
    assert any(row == 3 and "desil 7" in message for row, _column, message in batch.warnings)


def test_no_target_rule_applies_where_no_list_is_loaded(client, agent, campaign, quota):
    _rules(campaign, target_rule=Strictness.REFUSE, desil_rule=Strictness.REFUSE, max_desil=2)
    client.force_login(agent)
    client.post(reverse("enrollment:enrollment_create"), _entry(quota, nik_for(170)))
    assert Enrollment.objects.filter(worker__nik=nik_for(170)).exists()


def test_the_preview_counts_what_each_rule_keeps(client, official, campaign, people):
    confirmed(official, people)
    _rules(campaign, desil_rule=Strictness.REFUSE, max_desil=4)
    client.force_login(official)
    page = client.get(reverse("targeting:campaign_eligibility", args=[campaign.slug]))
    rows = {row.code: row for row in page.context["preview"].rows}
    tanjungsari = rows[TANJUNGSARI]
    assert (tanjungsari.people, tanjungsari.desil, tanjungsari.kept) == (4, 3, 3)
    assert rows["32.14.16.2006"].people == 1


def test_the_preview_is_counted_in_the_background_and_shown_when_done(client, official, campaign, people):
    """A province's lists hold millions: the page never counts them itself. It asks the task worker,
    says it is counting (polling), shows the earlier figures marked as such, then the new ones."""
    confirmed(official, people)
    url = reverse("targeting:campaign_eligibility", args=[campaign.slug])
    client.force_login(official)
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}):
        page = client.get(url).content.decode()
        assert "Menghitung daftar sasaran" in page and 'hx-trigger="every 3s"' in page
        assert 'id="eligibility-preview"' not in page
        preview.eligibility_count(campaign)  # what the worker does
        page = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert 'id="eligibility-preview"' in page and "every 3s" not in page
        assert page.lstrip().startswith('<section id="eligibility-counts"')  # only the part polled

        _rules(campaign, desil_rule=Strictness.REFUSE, max_desil=1)  # the organizer changes a rule
        page = client.get(url).content.decode()
        assert "Menghitung ulang" in page and 'id="eligibility-preview"' in page  # the earlier figures
        preview.eligibility_count(campaign)
        counted = client.get(url)
    assert counted.context["preview"].current
    assert {row.code: row.kept for row in counted.context["preview"].rows}[TANJUNGSARI] == 2  # Euis, Ujang


def test_a_count_made_without_being_asked_is_not_shown_as_still_counting(client, official, campaign, people):
    confirmed(official, people)
    preview.eligibility_count(campaign)  # as the demo and the bench make it
    client.force_login(official)
    shown = client.get(reverse("targeting:campaign_eligibility", args=[campaign.slug])).context["preview"]
    assert shown.current and not shown.counting


def test_a_new_list_counts_the_preview_again(client, official, campaign, people):
    confirmed(official, people[:2])
    url = reverse("targeting:campaign_eligibility", args=[campaign.slug])
    client.force_login(official)
    first = {row.code: row.people for row in client.get(url).context["preview"].rows}
    confirmed(official, people, round_="DTSEN triwulan IV 2026")
    again = {row.code: row.people for row in client.get(url).context["preview"].rows}
    assert (first[TANJUNGSARI], again[TANJUNGSARI]) == (2, 4)


def test_the_preview_shows_only_the_villages_the_user_reaches(client, official, campaign, people):
    confirmed(official, people)
    client.force_login(OfficialFactory(regions=[TANJUNGSARI]))
    page = client.get(reverse("targeting:campaign_eligibility", args=[campaign.slug]))
    assert [row.code for row in page.context["preview"].rows] == [TANJUNGSARI]


def test_only_who_may_change_the_campaign_saves_its_rules(client, official, other_official, agent, campaign):
    url = reverse("targeting:campaign_eligibility", args=[campaign.slug])
    client.force_login(agent)
    assert client.get(url).status_code == 403
    client.force_login(other_official)
    assert client.get(url).status_code == 404
    client.force_login(official)
    response = client.post(url, {"residence_rule": "refuse", "overlap_rule": "warn", "target_rule": "off",
                                 "desil_rule": "refuse", "max_desil": "", "occupation_rule": "off"})  # fmt: skip
    assert response.status_code == 200  # a decile rule without its decile is refused
    response = client.post(url, {"residence_rule": "refuse", "overlap_rule": "warn", "target_rule": "off",
                                 "desil_rule": "refuse", "max_desil": "4", "occupation_rule": "off"})  # fmt: skip
    campaign.refresh_from_db()
    assert response.status_code == 302 and (campaign.residence_rule, campaign.max_desil) == ("refuse", 4)


def test_only_the_current_round_counts(client, official, agent, campaign, quota, people):
    rina = people[3]
    confirmed(official, [*people[:3], (rina[0], rina[1], 2, rina[3], rina[4])])  # decile 2 last quarter
    confirmed(official, people, round_="DTSEN triwulan IV 2026")  # decile 7 now
    _rules(campaign, desil_rule=Strictness.REFUSE, max_desil=4)
    client.force_login(agent)
    assert "desil 7" in _nik_check(client, quota, rina[0])
    dedi = _nik_check(client, quota, people[2][0])  # decile 3 of at most 4: kept
    assert "desil" not in dedi


def test_a_nik_of_a_district_that_no_longer_exists_is_one_warning_even_where_residence_refuses(
    client, agent, campaign, quota
):
    _rules(campaign, residence_rule=Strictness.REFUSE)
    client.force_login(agent)
    split = nik_for(180, district="321499")  # 32.14.99: not in today's region list
    assert "sebelum pemekaran" in _nik_check(client, quota, split)
    page = client.post(reverse("enrollment:enrollment_create"), _entry(quota, split), follow=True)
    text = page.content.decode()
    assert Enrollment.objects.filter(worker__nik=split).exists()  # a warning, never a refusal
    assert text.count("32.14.99") == 1 and "bukan kecamatan desa ini" not in text
    elsewhere = nik_for(181, district="321501")  # Karawang's district: the rule refuses
    client.post(reverse("enrollment:enrollment_create"), _entry(quota, elsewhere))
    assert not Enrollment.objects.filter(worker__nik=elsewhere).exists()
