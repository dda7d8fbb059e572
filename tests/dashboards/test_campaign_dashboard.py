"""The campaign dashboard: every figure equals a direct count of the enrollments, at every level."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Quota
from dashboards import summary
from dashboards.models import Breakdown, WorkforceEstimate
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate, enrollment_cancel, enrollment_register, enrollment_verify
from regions.models import Region
from tests.factories import (
    SIGNED_IN,
    TODAY,
    AdminFactory,
    CampaignFactory,
    OfficialFactory,
    declaration,
    enroll,
    nik_for,
    quota,
)

pytestmark = pytest.mark.django_db

VILLAGES = ("32.14.16.2005", "32.14.16.2006", "32.14.01.1001", "32.15.01.1001")


@pytest.fixture
def province_campaign(purwakarta, official, other_official):
    """West Java's campaign with quotas in three Purwakarta villages (two districts) and one in Karawang,
    and enrollments in every status."""
    admin = AdminFactory()
    campaign = CampaignFactory(
        organizer=Region.objects.get(code="32"), created_by=admin, status=Campaign.Status.ACTIVE
    )
    for code in VILLAGES:
        quota(campaign, code, target=4, baseline=2)
    n = 0
    for code, officer in zip(VILLAGES, (official, official, official, other_official), strict=True):
        enrolled = []
        for _ in range(5):  # the fifth goes on the reserve list
            n += 1
            enrolled.append(
                enrollment_register(
                    campaign=campaign,
                    village=Region.objects.get(code=code),
                    nik=nik_for(n, district=code[:8].replace(".", "")),
                    declaration=declaration(occupation="nelayan" if n % 2 else "petani"),
                    heirs=[],
                    funding_source=None,
                    entered_by=officer,
                    reserve_if_full=True,
                )
            )
        enrollment_verify(enrollment=enrolled[0], by=officer)
        enrollment_activate(enrollment=enrolled[1], by=officer, kpj_number=f"KPJ{n}", coverage_starts=TODAY)
        enrollment_cancel(enrollment=enrolled[2], by=officer, reason="Pindah")
    return campaign


def page(client, user, campaign, code=None):
    client.force_login(user)
    if code:
        return client.get(reverse("dashboards:campaign_region_dashboard", args=[campaign.slug, code]))
    return client.get(reverse("dashboards:campaign_dashboard", args=[campaign.slug]))


def direct(campaign, prefix: str) -> dict[str, int]:
    """What the enrollments themselves say within a region: the figures the page must show."""
    rows = Enrollment.objects.filter(campaign=campaign, village__code__startswith=prefix)
    by_status = dict(rows.values_list("status").annotate(n=Count("pk")).order_by())
    return {
        "filled_count": sum(by_status.get(s, 0) for s in Enrollment.SLOT_HOLDING),
        "active_count": by_status.get("active", 0),
        "reserve_count": by_status.get("reserve", 0),
        "cancelled_count": by_status.get("cancelled", 0),
    }


@pytest.mark.parametrize("code", [None, "32.14", "32.14.16", "32.14.16.2005", "32.14.01"])
def test_every_figure_equals_a_direct_count_for_an_official_whose_reach_is_part_of_the_campaign(
    client, province_campaign, official, code
):
    response = page(client, official, province_campaign, code)

    assert response.status_code == 200
    headline, rows = response.context["headline"], response.context["rows"]
    counted = direct(province_campaign, code or "32.14")
    assert headline.filled == counted["filled_count"]
    assert headline.active_count == counted["active_count"]
    assert headline.reserve_count == counted["reserve_count"]
    assert headline.cancelled_count == counted["cancelled_count"]
    for row in rows:
        assert row.filled == direct(province_campaign, row.code)["filled_count"], row.code
        assert row.reserve_count == direct(province_campaign, row.code)["reserve_count"], row.code
    # Nothing of Karawang (32.15) shows to Purwakarta's official, not even at the top.
    assert all(row.code.startswith("32.14") for row in rows)
    assert headline.target == 4 * len([v for v in VILLAGES if v.startswith(code or "32.14")])


def test_the_top_shows_the_organizing_region_and_its_children_to_officials_who_reach_it(
    client, province_campaign
):
    response = page(client, OfficialFactory(regions=["32"]), province_campaign)

    assert [row.code for row in response.context["rows"]] == ["32.14", "32.15"]
    assert response.context["headline"].filled == direct(province_campaign, "32")["filled_count"] == 12
    assert "Kabupaten Purwakarta" in response.content.decode()


def test_an_administrator_starts_from_the_whole_country(client, province_campaign):
    response = page(client, AdminFactory(), province_campaign)

    assert [row.code for row in response.context["rows"]] == ["32"]
    assert response.context["headline"].filled == direct(province_campaign, "")["filled_count"] == 12
    occupations = next(b for b in response.context["breakdowns"] if b["dimension"] == "occupation")
    assert occupations["total"] == 12


def test_rows_drill_down_one_level_and_the_trail_leads_back(client, province_campaign, official):
    response = page(client, official, province_campaign, "32.14.16")

    assert [row.code for row in response.context["rows"]] == ["32.14.16.2005", "32.14.16.2006"]
    assert [r.code for r in response.context["trail"]] == ["32.14", "32.14.16"]  # not 32: out of reach
    assert reverse(
        "dashboards:campaign_region_dashboard", args=[province_campaign.slug, "32.14.16.2005"]
    ) in (response.content.decode())


@pytest.mark.parametrize("code", ["32.15", "32.15.01.1001", "32", "99.99"])
def test_a_region_outside_reach_is_not_found(client, province_campaign, official, code):
    assert page(client, official, province_campaign, code).status_code == 404


def test_an_agent_sees_only_their_village(client, province_campaign, agent):
    assert page(client, agent, province_campaign, "32.14.16").status_code == 404
    response = page(client, agent, province_campaign)

    assert [row.code for row in response.context["rows"]] == ["32.14.16.2005"]
    assert response.context["headline"].filled == direct(province_campaign, "32.14.16.2005")["filled_count"]


def test_breakdowns_equal_direct_counts_at_every_level(client, province_campaign, official):
    for code in ("32.14", "32.14.16", "32.14.16.2005"):
        response = page(client, official, province_campaign, code)
        shown = {b["dimension"]: dict(b["rows"]) for b in response.context["breakdowns"]}
        holders = Enrollment.objects.filter(
            campaign=province_campaign, village__code__startswith=code, status__in=Enrollment.SLOT_HOLDING
        )
        assert shown["occupation"] == {
            Enrollment.Occupation(o).label: n
            for o, n in holders.values_list("occupation").annotate(n=Count("pk")).order_by()
        }, code
        assert sum(shown["sex"].values()) == sum(shown["age"].values()) == holders.count(), code
        assert (
            response.context["chart"]["total"]
            == Enrollment.objects.filter(campaign=province_campaign, village__code__startswith=code).count()
        )


def test_a_large_campaign_shows_breakdowns_as_of_the_last_refresh_and_says_so(
    client, province_campaign, official, monkeypatch
):
    monkeypatch.setattr(summary, "COUNTED_ON_VIEW", 1)  # as if it held millions

    response = page(client, official, province_campaign, "32.14")

    assert response.context["as_of"] is None
    assert "belum dihitung" in response.content.decode()
    call_command("refresh_dashboards")
    response = page(client, official, province_campaign, "32.14")
    assert response.context["as_of"] is not None
    assert Breakdown.objects.filter(campaign=province_campaign, region_code="32.14").exists()


def test_coverage_reads_the_workforce_estimates_of_villages_or_of_a_whole_district(
    client, province_campaign, official
):
    WorkforceEstimate.objects.create(
        region=Region.objects.get(code="32.14.16.2005"), informal_workers=10, recorded_by=official
    )
    WorkforceEstimate.objects.create(
        region=Region.objects.get(code="32.14.16.2006"), informal_workers=30, recorded_by=official
    )
    WorkforceEstimate.objects.create(
        region=Region.objects.get(code="32.14.01"), informal_workers=60, recorded_by=official
    )

    response = page(client, official, province_campaign, "32.14")

    headline = response.context["headline"]
    assert headline.workforce == 100  # 10 + 30 in Pondoksalam's villages, 60 for all of Kec. Purwakarta
    assert headline.covered == 3 * 2 + 3  # baselines of 2 in three villages, one active in each
    assert round(headline.coverage, 1) == 9.0
    rows = {row.code: row for row in response.context["rows"]}
    assert rows["32.14.16"].workforce == 40 and rows["32.14.01"].workforce == 60


def test_query_count_does_not_grow_with_the_number_of_child_regions(
    client, province_campaign, official, django_assert_num_queries
):
    page(client, official, province_campaign, "32.14")  # signs in; the breakdowns get counted once
    url = reverse("dashboards:campaign_region_dashboard", args=[province_campaign.slug, "32.14"])
    with django_assert_num_queries(
        SIGNED_IN + 13
    ):  # with the claims, the arrears and the target list of the area
        client.get(url)
    districts = Region.objects.filter(level=Region.Level.DISTRICT, code__startswith="32.14.").exclude(
        code__in=["32.14.16", "32.14.01"]
    )
    for district in districts[:5]:
        quota(province_campaign, Region.objects.filter(parent=district).first().code)
    enroll(province_campaign, official, 99, code="32.14.16.2006")
    with django_assert_num_queries(
        SIGNED_IN + 13
    ):  # with the claims, the arrears and the target list of the area
        response = client.get(url)
    assert len(response.context["rows"]) > 2


@pytest.mark.parametrize(
    "params", [{"below": "9" * 5000}, {"days": "abc"}, {"sort": "name'"}, {"below": "-1"}]
)
def test_odd_parameters_fall_back_to_the_defaults(client, province_campaign, official, params):
    client.force_login(official)

    response = client.get(reverse("dashboards:campaign_dashboard", args=[province_campaign.slug]), params)

    assert response.status_code == 200
    assert (response.context["below"], response.context["days"], response.context["sort"]) == (50, 30, "code")


def test_the_coverage_card_says_what_the_table_below_and_the_level_below_say(
    client, province_campaign, official
):
    """A regency official starts from their own regency (they do not reach the province that organizes
    the campaign): the card once said "no estimate" while the table under it said 9,0%."""
    WorkforceEstimate.objects.create(
        region=Region.objects.get(code="32.14"), informal_workers=100, recorded_by=official
    )
    client.force_login(official)

    start = client.get(reverse("dashboards:campaign_dashboard", args=[province_campaign.slug]))
    below = page(client, official, province_campaign, "32.14")

    (row,) = start.context["rows"]
    card = start.context["headline"]
    assert (card.workforce, card.covered) == (row.workforce, row.covered) == (100, 9)
    assert card.coverage == row.coverage == below.context["headline"].coverage == 9.0
    assert "9,0%" in start.content.decode() and "belum ada perkiraan" not in start.content.decode()


def test_the_countrys_figures_are_shared_for_a_minute_and_a_province_is_counted_on_each_view(
    client, province_campaign, official, time_machine
):
    admin = AdminFactory()
    time_machine.move_to(timezone.now(), tick=False)
    assert page(client, admin, province_campaign).context["headline"].filled == 12
    Quota.objects.filter(campaign=province_campaign).update(target=10)  # room for one more
    enrollment_register(
        campaign=province_campaign, village=Region.objects.get(code="32.14.16.2006"), nik=nik_for(90),
        declaration=declaration(), heirs=[], funding_source=None, entered_by=official,
    )  # fmt: skip

    assert page(client, admin, province_campaign).context["headline"].filled == 12  # as summed a moment ago
    assert page(client, admin, province_campaign, "32").context["headline"].filled == 13  # live
    time_machine.shift(61)
    assert page(client, admin, province_campaign).context["headline"].filled == 13


def test_a_region_inside_the_reach_is_filtered_once_not_twice(client, province_campaign):
    """A reach and a region inside it are two LIKEs on the same code to PostgreSQL, which then
    multiplies their selectivities and plans for a few rows where thousands come (issue 25)."""
    with CaptureQueriesContext(connection) as queries:
        response = page(client, OfficialFactory(regions=["32"]), province_campaign, "32")

    assert response.context["headline"].filled == 12
    sums = [
        q["sql"] for q in queries.captured_queries
        if (table := re.search(r' FROM "(\w+)"', q["sql"]))
        and table[1] in ("campaigns_quota", "billing_arrears", "targeting_targetcoveragecount")
    ]  # fmt: skip
    assert sums and [sql for sql in sums if len(re.findall(r'"code"(?:::text)? LIKE', sql)) > 1] == []
