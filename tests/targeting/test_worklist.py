import pytest
from django.urls import reverse

from accounts.models import User
from regions.models import Region
from targeting.coverage import coverage_refresh, target_coverage
from targeting.models import TargetPerson, Visit
from tests.factories import SIGNED_IN, AgentFactory, enroll, nik_for

from .world import TANJUNGSARI, confirmed

pytestmark = pytest.mark.django_db


def _names(response) -> list[str]:
    return [person.full_name for person, _quota in response.context["rows"]]


def test_the_agent_sees_their_villages_people_not_yet_enrolled_lowest_decile_first(
    client, official, agent, campaign, people
):
    confirmed(official, people)
    enroll(campaign, agent, 102, code=TANJUNGSARI)  # Ujang is enrolled: off the worklist
    client.force_login(agent)
    response = client.get(reverse("targeting:worklist"))
    assert _names(response) == [
        "Euis Komariah",
        "Dedi Mulyadi",
        "Rina Marlina",
    ]  # Cibodas' Asep is not theirs
    html = response.content.decode()
    assert "3214********0101" in html and nik_for(101) not in html
    quota_id = response.context["rows"][0][1]
    assert f"?quota={quota_id}#target=" in html


def test_the_worklist_searches_by_name_rt_rw_or_kk(client, official, agent, campaign, people):
    confirmed(official, people)
    client.force_login(agent)
    assert _names(client.get(reverse("targeting:worklist"), {"q": "dedi"})) == ["Dedi Mulyadi"]
    assert len(_names(client.get(reverse("targeting:worklist"), {"q": "002/001"}))) == 4
    assert _names(client.get(reverse("targeting:worklist"), {"q": "3214161201150006"})) == ["Rina Marlina"]
    assert client.get(reverse("targeting:worklist"), {"q": "x" * 500}).status_code == 200


def test_a_visit_takes_the_person_off_the_worklist_and_counts_on_the_dashboard(
    client, official, agent, campaign, people
):
    confirmed(official, people)
    client.force_login(agent)
    rina = next(
        person
        for person, _quota in client.get(reverse("targeting:worklist")).context["rows"]
        if person.desil == 7
    )
    response = client.post(
        reverse("targeting:visit_new", args=[rina.pk]), {"outcome": "moved", "reason": "ke Batam"}
    )
    assert response.status_code == 302
    assert "Rina Marlina" not in _names(client.get(reverse("targeting:worklist")))
    assert "Rina Marlina" in _names(client.get(reverse("targeting:worklist"), {"visited": "1"}))
    visit = Visit.objects.get()
    assert (visit.outcome, visit.reason, visit.recorded_by) == ("moved", "ke Batam", agent)
    assert visit.history.count() == 1
    campaign.max_desil = 10
    coverage = target_coverage(official, campaign, Region.objects.get(code="32.14.16"))
    assert (coverage.people, coverage.here, coverage.visited) == (5, 0, 1)


def test_coverage_says_who_is_covered_here_elsewhere_or_not_at_all(official, agent, campaign, people):
    confirmed(official, people)
    enroll(campaign, agent, 101, code=TANJUNGSARI)
    coverage = target_coverage(official, campaign, Region.objects.get(code="32.14.16"))  # a district: live
    # Deciles 1-4 by default: Rina (7) is not counted.
    assert (coverage.max_desil, coverage.people, coverage.here) == (4, 4, 1)
    assert (coverage.uncovered, coverage.percent, coverage.as_of) == (3, 25, None)


def test_a_regency_a_province_and_the_country_read_the_background_count(official, agent, campaign, people):
    confirmed(official, people)
    enroll(campaign, agent, 101, code=TANJUNGSARI)
    province = Region.objects.get(code="32")
    assert target_coverage(official, campaign, province) is None  # not counted yet
    assert coverage_refresh() == 2  # Tanjungsari and Cibodas
    enroll(campaign, agent, 102, code=TANJUNGSARI)  # after the count: seen at the next one
    counted = target_coverage(official, campaign, province)
    assert (counted.people, counted.here, counted.as_of is not None) == (4, 1, True)
    assert target_coverage(official, campaign, None).people == 4  # the country, as far as one reaches
    assert target_coverage(official, campaign, Region.objects.get(code="32.14")).here == 1  # as counted
    assert target_coverage(official, campaign, Region.objects.get(code="32.14.16")).here == 2  # live


def test_an_outsider_cannot_record_a_visit_and_the_phone_list_is_for_agents(client, official, agent, people):
    confirmed(official, people)
    stranger = AgentFactory(username="agen.lain", regions=["32.14.16.2006"])
    client.force_login(stranger)
    theirs = next(iter(client.get(reverse("targeting:worklist")).context["rows"]))[0]
    assert theirs.full_name == "Asep Sunandar"  # Cibodas' only person
    tanjungsari_person = TargetPerson.objects.get(nik=nik_for(101))
    response = client.post(reverse("targeting:visit_new", args=[tanjungsari_person.pk]), {"outcome": "died"})
    assert response.status_code == 404 and not Visit.objects.exists()
    client.force_login(official)
    assert client.get(reverse("targeting:worklist_data")).status_code == 403


def test_the_phone_keeps_only_what_the_form_needs_of_its_own_village(client, official, agent, people):
    confirmed(official, people)
    client.force_login(agent)
    response = client.get(reverse("targeting:worklist_data"))
    data = response.json()["people"]
    assert {person["name"] for person in data} == {
        "Euis Komariah",
        "Ujang Saepuloh",
        "Dedi Mulyadi",
        "Rina Marlina",
    }
    assert set(data[0]) == {"id", "nik", "name", "kk", "born", "sex"}
    assert "no-store" in response["Cache-Control"]


def test_a_deactivated_agents_phone_is_told_to_forget(client, agent):
    client.force_login(agent)
    User.objects.filter(pk=agent.pk).update(is_active=False)
    response = client.get(reverse("enrollment:enrollment_create"), follow=True)
    assert response.headers.get("X-Desa100-Deactivated") == "1"
    assert client.get(reverse("accounts:login")).headers.get("X-Desa100-Deactivated") == "1"


def test_an_official_names_the_village_whose_worklist_they_see(client, official, other_official, people):
    confirmed(official, people)
    client.force_login(official)
    response = client.get(reverse("targeting:worklist"))
    assert response.status_code == 200 and "rows" not in response.context  # a regency is too large a list
    assert len(_names(client.get(reverse("targeting:worklist"), {"village": TANJUNGSARI}))) == 4
    client.force_login(other_official)
    response = client.get(reverse("targeting:worklist"), {"village": TANJUNGSARI})
    assert "rows" not in response.context and "Euis" not in response.content.decode()


def test_the_worklist_and_the_agents_home_cost_a_fixed_number_of_queries(
    client, official, agent, campaign, people, django_assert_num_queries
):
    confirmed(official, people)
    client.force_login(agent)
    client.get(reverse("targeting:worklist"))  # the session and the user, read once
    with django_assert_num_queries(
        SIGNED_IN + 5
    ):  # session, the user and their reach, the village, count, page, the quotas
        response = client.get(reverse("targeting:worklist"))
    assert len(response.context["rows"]) == 4
    more = [(nik_for(n), "3214161201150099", 2, f"Orang {n}", TANJUNGSARI) for n in range(130, 140)]
    confirmed(official, [*people, *more], round_="DTSEN triwulan IV 2026")
    with django_assert_num_queries(SIGNED_IN + 5):  # as many with 14 people as with 4
        response = client.get(reverse("targeting:worklist"))
    assert len(response.context["rows"]) == 14
    home = client.get(reverse("home")).content.decode()
    assert "14 orang dalam daftar sasaran desa Anda belum dijangkau" in home
