"""The main menu: what each kind of user is offered, and which entry is the page open."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _menu(client, path: str) -> tuple[list[str], list[str]]:
    page = client.get(path).content.decode()
    menu = page[page.index('id="menu"') : page.index("</aside>")]
    labels = re.findall(r'<a class="nav-link[^"]*"[^>]*>(?:<svg.*?</svg>)?([^<]+)</a>', menu, re.S)
    current = re.findall(r'aria-current="page">(?:<svg.*?</svg>)?([^<]+)</a>', menu, re.S)
    return [label.strip() for label in labels], [label.strip() for label in current]


def test_an_agent_is_not_offered_the_officials_pages(client, agent):
    client.force_login(agent)
    labels, current = _menu(client, reverse("home"))
    assert "Daftarkan" in labels and "Pendaftaran" in labels
    assert not {"Periksa", "Agen", "Klaim", "Ekspor", "Administrasi"} & set(labels)
    assert current == ["Beranda"]


def test_the_review_queue_is_marked_as_review_not_as_enrollments(client, official):
    client.force_login(official)
    labels, current = _menu(client, reverse("enrollment:review_queue"))
    assert {"Periksa", "Agen", "Klaim", "Ekspor"} <= set(labels)
    assert current == ["Periksa"]


def test_the_menu_drawn_once_is_drawn_for_each_kind_of_user_page_and_language(client, official, agent):
    """The rendered menu is kept between requests: what one user was drawn never reaches another
    kind of user, another page or another language."""
    client.force_login(official)
    _menu(client, reverse("enrollment:review_queue"))  # kept: an official's, on the review queue

    client.force_login(agent)
    labels, current = _menu(client, reverse("enrollment:enrollment_list"))
    assert "Periksa" not in labels and current == ["Pendaftaran"]

    client.force_login(official)
    _menu(client, reverse("home"))
    client.cookies["django_language"] = "en"
    labels, current = _menu(client, reverse("home"))
    assert "Review" in labels and current == ["Home"]


def test_the_kept_menu_signs_out_with_the_users_own_token(client, official):
    client.force_login(official)
    client.get(reverse("home"))
    other = client.__class__(enforce_csrf_checks=True)
    other.force_login(official)
    page = other.get(reverse("home")).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page[page.index('id="menu"') :])

    response = other.post(reverse("accounts:logout"), {"csrfmiddlewaretoken": token.group(1)})

    assert response.status_code == 302
