import pytest
from django.urls import reverse

from tests.conftest import load_regions
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username: str, password: str):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, follow=True)


def test_the_login_page_is_in_indonesian_by_default(client):
    response = client.get(reverse("accounts:login"))

    assert response.status_code == 200
    assert "Nama pengguna" in response.content.decode()


def test_a_user_signs_in_and_sees_their_area(client, agent):
    response = login(client, "agen.tanjungsari", PASSWORD)

    assert response.context["user"] == agent
    assert "Desa Tanjungsari" in response.content.decode()


def test_five_wrong_passwords_lock_the_account_for_a_while(client, agent):
    for _ in range(5):
        login(client, "agen.tanjungsari", "wrong")

    response = login(client, "agen.tanjungsari", PASSWORD)

    assert response.status_code == 429
    assert not response.context["user"].is_authenticated


def test_a_user_changes_their_password(client, agent):
    client.force_login(agent)

    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Kebun-Teh-2026", "new_password2": "Kebun-Teh-2026"},
    )

    assert response.status_code == 302
    agent.refresh_from_db()
    assert agent.check_password("Kebun-Teh-2026")


def test_logging_out_ends_the_session(client, agent):
    client.force_login(agent)

    client.post(reverse("accounts:logout"))

    assert client.get(reverse("home")).status_code == 302


def test_the_language_switch_turns_the_pages_english(client, agent):
    client.force_login(agent)

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))

    assert "Your area" in response.content.decode()


def test_counts_use_the_indonesian_thousands_separator(client, agent):
    load_regions("32")  # all of Jawa Barat: 5,957 villages
    client.force_login(agent)

    response = client.get(reverse("regions:region_list"))

    assert "5.957" in response.content.decode()
