"""The lists' filter panel: closed and empty until opened (its form cost a quarter of the page, issue
25), its fields fetched when opened, open with its fields whenever a filter is applied."""

import pytest
from django.urls import reverse

from tests.enrollment.test_review import enroll

pytestmark = pytest.mark.django_db

LISTS = ["enrollment:enrollment_list", "enrollment:review_queue"]


@pytest.mark.parametrize("name", LISTS)
def test_the_closed_panel_draws_no_fields_and_fetches_them_when_opened(
    client, official, campaign, agent, name
):
    enroll(campaign, 1, agent)
    client.force_login(official)

    page = client.get(reverse(name)).content.decode()
    fields = client.get(reverse(name), {"filters": "form"}, headers={"HX-Request": "true"}).content.decode()

    assert 'name="region"' not in page and 'hx-get="?filters=form"' in page
    assert "Pekerja 1" in page  # the list itself is all there
    assert 'name="region"' in fields and 'name="entered_by"' in fields
    assert "<html" not in fields and "Pekerja 1" not in fields  # the fields alone, not the list


def test_the_review_queues_page_size_comes_with_its_fields(client, official, campaign):
    client.force_login(official)

    fields = client.get(reverse("enrollment:review_queue"), {"filters": "form", "per_page": "100"})

    assert '<option value="100" selected>' in fields.content.decode()


@pytest.mark.parametrize(
    ("name", "query"),
    [
        ("enrollment:enrollment_list", {"status": "registered"}),
        ("enrollment:review_queue", {"entered_by": "agen.tanjungsari"}),
        ("enrollment:enrollment_list", {"filters": "open"}),  # the panel's link, without JavaScript
    ],
)
def test_an_applied_filter_shows_the_panel_open_with_its_fields(client, official, campaign, name, query):
    client.force_login(official)

    page = client.get(reverse(name), query).content.decode()

    assert '<details class="mb-3" open>' in page and 'name="region"' in page


def test_the_export_of_a_list_with_its_panel_open_is_not_refused(client, official, campaign):
    client.force_login(official)

    response = client.get(reverse("reports:enrollment_export"), {"filters": "open", "status": "registered"})

    assert response.status_code == 200
