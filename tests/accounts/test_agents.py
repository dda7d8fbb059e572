import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import SIGNED_IN, AdminFactory, AgentFactory

pytestmark = pytest.mark.django_db


def new_agent_data(**overrides) -> dict:
    data = {
        "username": "agen.baru",
        "first_name": "Ujang",
        "last_name": "",
        "phone": "0812 3456 7890",
        "regions": "32.14.16.2005\n32.14.16.2006",
        "password1": "Sawah-Hijau-2026",
        "password2": "Sawah-Hijau-2026",
    }
    return {**data, **overrides}


def test_an_official_creates_an_agent_for_villages_in_their_area(client, official):
    client.force_login(official)

    response = client.post(reverse("accounts:agent_create"), new_agent_data())

    assert response.status_code == 302
    agent = User.objects.get(username="agen.baru")
    assert agent.role == User.Role.AGENT
    assert not agent.is_superuser and not agent.is_staff
    assert agent.phone == "+6281234567890"
    assert sorted(agent.region_codes) == ["32.14.16.2005", "32.14.16.2006"]
    assert agent.check_password("Sawah-Hijau-2026")


def test_the_new_agent_can_sign_in(client, official):
    client.force_login(official)
    client.post(reverse("accounts:agent_create"), new_agent_data())
    client.logout()

    response = client.post(
        reverse("accounts:login"), {"username": "agen.baru", "password": "Sawah-Hijau-2026"}, follow=True
    )

    assert response.context["user"].username == "agen.baru"


def test_an_official_cannot_create_an_agent_for_a_village_outside_their_area(client, official):
    client.force_login(official)

    response = client.post(reverse("accounts:agent_create"), new_agent_data(regions="32.15.01.1001"))

    assert response.status_code == 200
    assert "32.15.01.1001" in str(response.context["form"].errors["regions"])
    assert not User.objects.filter(username="agen.baru").exists()


def test_a_forged_post_mixing_in_an_outside_village_is_refused_whole(client, official):
    client.force_login(official)

    client.post(reverse("accounts:agent_create"), new_agent_data(regions="32.14.16.2005\n32.15.01.1001"))

    assert not User.objects.filter(username="agen.baru").exists()


def test_an_official_cannot_create_an_official_or_an_administrator(client, official):
    client.force_login(official)

    client.post(
        reverse("accounts:agent_create"),
        new_agent_data(role="official", is_superuser="on", is_staff="on", regions="32.14.16.2005"),
    )

    agent = User.objects.get(username="agen.baru")
    assert agent.role == User.Role.AGENT
    assert not agent.is_superuser and not agent.is_staff


def test_an_official_cannot_give_an_agent_a_district_instead_of_villages(client, official):
    client.force_login(official)

    response = client.post(reverse("accounts:agent_create"), new_agent_data(regions="32.14.16"))

    assert "32.14.16" in str(response.context["form"].errors["regions"])


def test_a_bad_phone_number_is_refused_with_a_message(client, official):
    client.force_login(official)

    response = client.post(reverse("accounts:agent_create"), new_agent_data(phone="12345"))

    assert response.context["form"].errors["phone"]
    assert not User.objects.filter(username="agen.baru").exists()


def test_the_agent_list_shows_agents_in_reach_with_masked_phones(
    client, official, agent, django_assert_num_queries
):
    AgentFactory(username="agen.dua", regions=["32.14.01.1001"], phone="+6281299998888")
    AgentFactory(username="agen.tiga", regions=["32.14.02.2001"])
    AgentFactory(username="agen.karawang", regions=["32.15.01.1001"])
    client.force_login(official)

    # session, user, the official's regions, count, page of agents, their villages
    with django_assert_num_queries(SIGNED_IN + 4):
        response = client.get(reverse("accounts:agent_list"))

    usernames = [a.username for a in response.context["page"]]
    assert sorted(usernames) == ["agen.dua", "agen.tanjungsari", "agen.tiga"]
    html = response.content.decode()
    assert "0812****8888" in html
    assert "081299998888" not in html


def test_the_agent_search_finds_by_user_name_name_or_village_within_the_area(client, official, agent):
    AgentFactory(username="agen.dua", first_name="Rina Marlina", regions=["32.14.01.1001"])
    AgentFactory(username="agen.tiga", regions=["32.14.16.2006", "32.14.16.2005"])
    AgentFactory(username="agen.karawang", first_name="Rina Karawang", regions=["32.15.01.1001"])
    client.force_login(official)

    def found(query: str) -> list[str]:
        page = client.get(reverse("accounts:agent_list"), {"q": query}).context["page"]
        return sorted(a.username for a in page)

    assert found("rina") == ["agen.dua"]  # Karawang's Rina is another official's
    assert found("TIGA") == ["agen.tiga"]
    assert found("tanjungsari") == ["agen.tanjungsari", "agen.tiga"]  # once each, two villages or one


def test_an_agent_working_also_outside_the_area_is_not_managed_here(client, official):
    AgentFactory(username="agen.perbatasan", regions=["32.14.16.2005", "32.15.01.1001"])
    client.force_login(official)

    response = client.get(reverse("accounts:agent_list"))

    assert "agen.perbatasan" not in [a.username for a in response.context["page"]]


def test_an_official_edits_an_agents_villages(client, official, agent):
    client.force_login(official)

    response = client.post(
        reverse("accounts:agent_edit", args=[agent.pk]),
        {"first_name": "Siti", "last_name": "Aminah", "phone": "", "regions": "32.14.16.2006"},
    )

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.last_name == "Aminah"
    assert list(agent.regions.values_list("code", flat=True)) == ["32.14.16.2006"]


def test_an_official_deactivates_and_reactivates_an_agent(client, official, agent):
    client.force_login(official)

    client.post(reverse("accounts:agent_active", args=[agent.pk]), {"active": "0"})
    agent.refresh_from_db()
    assert not agent.is_active

    client.post(reverse("accounts:agent_active", args=[agent.pk]), {"active": "1"})
    agent.refresh_from_db()
    assert agent.is_active


def test_an_official_resets_an_agents_password(client, official, agent):
    client.force_login(official)

    client.post(
        reverse("accounts:agent_password", args=[agent.pk]),
        {"new_password1": "Padi-Menguning-77", "new_password2": "Padi-Menguning-77"},
    )

    agent.refresh_from_db()
    assert agent.check_password("Padi-Menguning-77")


@pytest.mark.parametrize("name", ["agent_edit", "agent_password", "agent_active"])
def test_an_official_of_another_regency_gets_404_for_someone_elses_agent(client, other_official, agent, name):
    client.force_login(other_official)

    response = client.post(reverse(f"accounts:{name}", args=[agent.pk]), {"active": "0"})

    assert response.status_code == 404
    agent.refresh_from_db()
    assert agent.is_active


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("agent_list", []),
        ("agent_create", []),
        ("agent_edit", [0]),
        ("agent_password", [0]),
        ("agent_active", [0]),
    ],
)
def test_agents_cannot_open_the_agent_management_pages(client, agent, name, args):
    client.force_login(agent)
    args = [agent.pk if a == 0 else a for a in args]

    assert client.get(reverse(f"accounts:{name}", args=args)).status_code == 403
    assert client.post(reverse(f"accounts:{name}", args=args), {"active": "0"}).status_code == 403


def test_an_official_cannot_manage_another_official(client, official, other_official):
    client.force_login(official)

    assert client.get(reverse("accounts:agent_edit", args=[other_official.pk])).status_code == 404


def test_an_administrator_manages_every_agent(client, agent):
    client.force_login(AdminFactory())

    response = client.get(reverse("accounts:agent_list"))

    assert [a.username for a in response.context["page"]] == ["agen.tanjungsari"]


def test_a_phone_number_typed_with_country_code_and_dashes_is_stored_in_e164(client, official):
    client.force_login(official)

    client.post(reverse("accounts:agent_create"), new_agent_data(phone="+62 812-3456-7890"))

    assert User.objects.get(username="agen.baru").phone == "+6281234567890"
