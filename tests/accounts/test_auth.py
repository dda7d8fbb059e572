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
    assert "didaftarkan hari ini" in client.get(reverse("home")).content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"))

    assert "entered today" in response.content.decode()


def test_counts_use_the_indonesian_thousands_separator(client, agent):
    load_regions("32")  # all of Jawa Barat: 5,957 villages
    client.force_login(agent)

    response = client.get(reverse("regions:region_list"))

    assert "5.957" in response.content.decode()


def login_from(client, address: str, password: str, forwarded: str = ""):
    return client.post(
        reverse("accounts:login"),
        {"username": "agen.tanjungsari", "password": password},
        REMOTE_ADDR=address,
        HTTP_X_FORWARDED_FOR=forwarded,
        follow=True,
    )


def test_an_attacker_locks_out_only_their_own_address(client, agent):
    for _ in range(5):
        login_from(client, "203.0.113.9", "wrong")

    assert login_from(client, "203.0.113.9", PASSWORD).status_code == 429
    assert login_from(client, "198.51.100.7", PASSWORD).context["user"] == agent


def test_failing_again_during_a_lock_does_not_extend_it(client, agent):
    from axes.models import AccessAttempt

    for _ in range(5):
        login_from(client, "203.0.113.9", "wrong")
    locked_at = AccessAttempt.objects.get().attempt_time

    login_from(client, "203.0.113.9", "wrong")

    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_behind_a_trusted_proxy_each_client_is_told_apart(client, agent, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for _ in range(5):
        login_from(client, "10.0.0.2", "wrong", forwarded="203.0.113.9")

    assert login_from(client, "10.0.0.2", PASSWORD, forwarded="203.0.113.9").status_code == 429
    # Another client through the same proxy signs in; a forged left-most address changes nothing.
    assert (
        login_from(client, "10.0.0.2", PASSWORD, forwarded="203.0.113.9, 198.51.100.7").context["user"]
        == agent
    )


def test_a_forwarded_header_from_an_untrusted_address_is_ignored(client, agent, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    for _ in range(5):
        login_from(client, "203.0.113.9", "wrong", forwarded="198.51.100.1")

    assert login_from(client, "203.0.113.9", PASSWORD, forwarded="192.0.2.44").status_code == 429


def test_a_wrong_password_is_told_in_plain_indonesian(client, agent):
    response = client.post(reverse("accounts:login"), {"username": "agen.tanjungsari", "password": "salah"})

    assert "Masukkan nama pengguna dan sandi yang benar." in response.content.decode()
