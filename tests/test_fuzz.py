"""Arbitrary text, numbers and bytes in every query parameter and form field the URL walk knows:
whatever comes in, no page answers with a server error."""

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.test_url_walk import OBJECTS, POST_ONLY, app_patterns
from tests.test_url_walk import world as world
from tests.walk_forms import page_form, post_data
from tests.walk_world import IN

pytestmark = pytest.mark.django_db

# The query parameters the pages read (lists, filters, searches, pagination).
QUERY_NAMES = [
    "q", "page", "region", "status", "campaign", "occupation", "entered_by", "entered_after",
    "entered_before", "sort", "district", "quota", "nik", "level", "next", "format", "state", "overlap",
    "other_district", "below", "days",
]  # fmt: skip

NASTY = st.sampled_from(
    ["", "0", "-1", "1.5", "abc", "\x00", "9" * 30, "2026-13-45", "9999-12-31", "0001-01-01", "32.14",
     "%", "'; --", "<script>", "١٢٣", "¹", "🎉", " ", "\r\n", "1e309", "NaN"]
)  # fmt: skip
VALUES = st.one_of(
    NASTY,
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.binary(max_size=16).map(lambda raw: raw.decode("latin-1")),
)


def _url(name, world):
    kwargs = OBJECTS[name](world, IN) if OBJECTS[name] else {}
    return reverse(name, kwargs=kwargs)


@pytest.mark.parametrize("name", [n for n in app_patterns() if n not in ("accounts:logout",)])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_no_input_makes_a_server_error(client, world, name, data):
    url = _url(name, world)
    fields = sorted({*page_form(client, world.users["admin"], url), *post_data(name, world, IN)})
    fields = [f for f in fields if f != "file"] or ["x"]
    role = data.draw(st.sampled_from(["admin", "official", "agent"]))
    query = data.draw(st.dictionaries(st.sampled_from(QUERY_NAMES), VALUES, max_size=4))
    form = data.draw(st.dictionaries(st.sampled_from(fields), VALUES, min_size=1, max_size=len(fields)))
    with transaction.atomic():
        client.force_login(world.users[role])
        if name not in POST_ONLY:
            assert client.get(url, query).status_code < 500, (url, query)
        response = client.post(url, {**post_data(name, world, IN), **form})
        transaction.set_rollback(True)
    assert response.status_code < 500, (url, role, form)
