import pytest
from django.urls import reverse

from regions.models import Region

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("regions:region_list"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_the_national_page_lists_provinces_with_their_regency_and_village_counts(
    client, agent, django_assert_num_queries
):
    client.force_login(agent)

    # session, user, provinces with regency counts, villages grouped by province
    with django_assert_num_queries(4):
        response = client.get(reverse("regions:region_list"))

    row = response.content.decode()
    assert "Jawa Barat" in row
    jabar = next(r for r in response.context["children"] if r.code == "32")
    assert (jabar.child_count, jabar.village_count) == (2, 192 + 309)


def test_a_regency_page_has_breadcrumbs_and_its_districts_with_village_counts(client, agent):
    client.force_login(agent)

    response = client.get(reverse("regions:region_detail", args=["32.14"]))

    assert response.status_code == 200
    assert response.context["ancestors"] == [Region.objects.get(code="32")]
    districts = {r.name: r.child_count for r in response.context["children"]}
    assert len(districts) == 17
    assert districts["Pondoksalam"] == 11
    html = response.content.decode()
    assert 'href="{}"'.format(reverse("regions:region_detail", args=["32"])) in html
    assert "Kabupaten Purwakarta" in html


def test_a_district_page_lists_its_villages_with_their_kind(client, agent):
    client.force_login(agent)

    response = client.get(reverse("regions:region_detail", args=["32.14.01"]))

    html = response.content.decode()
    assert "Kel. Nagri Kidul" in html
    assert [a.code for a in response.context["ancestors"]] == ["32", "32.14"]


def test_an_unknown_code_is_404(client, agent):
    client.force_login(agent)

    assert client.get(reverse("regions:region_detail", args=["99.99"])).status_code == 404


@pytest.mark.parametrize(
    ("query", "expected"),
    [("tanjungsari", "32.14.16.2005"), ("32.14.16.20", "32.14.16.2005"), ("pondok", "32.14.16")],
)
def test_search_finds_regions_by_name_or_code(client, agent, query, expected):
    client.force_login(agent)

    response = client.get(reverse("regions:region_search"), {"q": query})

    assert expected in [r.code for r in response.context["results"]]


def test_search_through_htmx_answers_with_the_results_only(client, agent):
    client.force_login(agent)

    response = client.get(
        reverse("regions:region_search"), {"q": "tanjungsari"}, headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert "Tanjungsari" in html
    assert "<html" not in html


def test_the_village_picker_offers_only_villages_in_the_officials_reach(client, official):
    client.force_login(official)

    inside = client.get(reverse("regions:village_picker"), {"q": "32.1"})
    karawang = client.get(reverse("regions:village_picker"), {"q": "32.15"})

    assert inside.context["villages"]
    assert all(v.code.startswith("32.14.") for v in inside.context["villages"])
    assert karawang.context["villages"] == []


def test_agents_cannot_use_the_village_picker(client, agent):
    client.force_login(agent)

    assert client.get(reverse("regions:village_picker"), {"q": "32.14"}).status_code == 403
