"""The reach has one home (regions.reach): its filter, its predicate, its level and its village form
answer alike for every user and region, so a list can never show what a page refuses, or the reverse."""

import pytest

from enrollment.models import Enrollment
from regions import reach
from regions.models import Region
from regions.reach import level_over, reach_q, reaches, village_reach_q
from tests.factories import AdminFactory, AgentFactory, OfficialFactory

# A province, a regency inside it, a district, a village, and a regency beside it (32.15).
REGIONS = ("32", "32.14", "32.14.16", "32.14.16.2005", "32.15", "32.15.01")
USERS = {
    "province": ["32"],
    "regency": ["32.14"],
    "district": ["32.14.16"],
    "village": ["32.14.16.2005"],
    "two regencies": ["32.14", "32.15"],
    "nowhere": [],
}


@pytest.fixture
def users(purwakarta):
    made = {name: OfficialFactory(username=name, regions=codes) for name, codes in USERS.items()}
    made["admin"] = AdminFactory(username="admin")
    return made


@pytest.mark.django_db
def test_the_filter_the_predicate_and_the_level_agree_for_every_user_and_region(users):
    for name, user in users.items():
        in_reach = set(Region.objects.filter(reach_q(user), code__in=REGIONS).values_list("code", flat=True))
        for code in REGIONS:
            region = Region.objects.get(code=code)
            assert reaches(user, region) == (code in in_reach) == user.reaches(region), (name, code)
            assert (level_over(user, region) is not None) == (code in in_reach), (name, code)


@pytest.mark.django_db
@pytest.mark.parametrize("as_ids", [1_000, 0])  # a small area by its ids; any area by its code prefix
def test_the_village_form_holds_the_same_villages_as_the_code_filter(users, as_ids, monkeypatch):
    monkeypatch.setattr(reach, "VILLAGES_AS_IDS", as_ids)
    villages = Region.objects.villages()
    for name, user in users.items():
        by_code = set(villages.filter(reach_q(user)).values_list("id", flat=True))
        by_villages = set(villages.filter(village_reach_q(user, "id")).values_list("id", flat=True))
        assert by_code == by_villages, name
        # The callers' field (village_id) builds and runs the same way.
        assert (
            Enrollment.objects.for_user_by_villages(user).count() == Enrollment.objects.for_user(user).count()
        )


@pytest.mark.django_db
def test_the_level_is_that_of_the_highest_region_holding_it(users):
    village = Region.objects.get(code="32.14.16.2005")
    assert [
        level_over(users[n], village) for n in ("admin", "province", "regency", "district", "village")
    ] == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert level_over(users["regency"], Region.objects.get(code="32.15.01")) is None
    assert level_over(AgentFactory(regions=["32.14.16.2005"]), village) == 4
