"""Every page a user sees in Indonesian is in Indonesian: no English source string left on it.

Checked, not eyeballed: the page's visible text is searched for every English source string of the
catalogue whose translation differs (longer ones only, so that a shared word like "NIK" or "Status"
is not taken for an untranslated sentence).
"""

import re
from functools import cache
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse

from tests.test_url_walk import IN, OBJECTS, app_patterns
from tests.test_url_walk import world as world

pytestmark = pytest.mark.django_db

SKIP = {"service_worker", "healthz", "set_language", "accounts:logout", "imports:template", "imports:errors"}


@cache
def english_sources() -> list[str]:
    catalogue = polib.pofile(str(Path(settings.BASE_DIR) / "locale/id/LC_MESSAGES/django.po"))
    sources = set()
    for entry in catalogue:  # untranslated ones too: they are what this looks for
        if entry.obsolete:
            continue
        for source, translated in (
            (entry.msgid, entry.msgstr),
            (entry.msgid_plural, entry.msgstr_plural.get(0)),
        ):
            if not source or source == translated or "%" in source or "{" in source:
                continue
            if len(source) >= 18 and " " in source:
                sources.add(source)
    return sorted(sources)


class VisibleText(HTMLParser):
    """The text a reader sees: not scripts, styles, or attribute values."""

    def __init__(self):
        super().__init__()
        self.parts, self.hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


@pytest.mark.parametrize("role", ["admin", "official", "agent"])
def test_no_english_left_on_any_page_in_indonesian(client, world, role):
    client.force_login(world.users[role])
    checked = 0
    for name in app_patterns():
        if name in SKIP or name.startswith("admin:"):
            continue
        kwargs = OBJECTS[name](world, IN) if OBJECTS[name] else {}
        response = client.get(reverse(name, kwargs=kwargs), HTTP_ACCEPT_LANGUAGE="id")
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        text = visible(response.content.decode())
        left = [source for source in english_sources() if source in text]
        assert left == [], f"{name} as {role}: {left}"
        checked += 1
    assert checked > 20
