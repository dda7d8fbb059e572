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
