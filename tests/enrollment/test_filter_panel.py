"""The lists' filters: the panel closed and empty until opened (its form cost a quarter of the page,
issue 25), its fields fetched when opened, open whenever a filter is applied; dates as whole local
days; the review queue's area-wide filters for a regency or smaller."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enrollment.models import Enrollment
from enrollment.services import enrollment_register
from regions.models import Region
from tests.enrollment.test_review import enroll
from tests.factories import TODAY, AdminFactory, OfficialFactory, declaration

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


def test_entered_between_takes_whole_local_days_on_the_entry_time_itself(client, official, agent, campaign):
    late, early = enroll(campaign, 1, agent), enroll(campaign, 2, agent)
    first, second = TODAY - dt.timedelta(days=10), TODAY - dt.timedelta(days=9)
    at = lambda day, hour, minute: timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))  # noqa: E731  # Asia/Jakarta
    Enrollment.objects.filter(pk=late.pk).update(entered_at=at(first, 23, 30))  # 16:30 UTC that day
    Enrollment.objects.filter(pk=early.pk).update(entered_at=at(second, 0, 10))  # 17:10 UTC the day before
    client.force_login(official)

    def names(**params) -> list[str]:
        return sorted(
            e.full_name for e in client.get(reverse("enrollment:enrollment_list"), params).context["page"]
        )

    assert names(entered_before=first.isoformat()) == ["Pekerja 1"]
    assert names(entered_after=second.isoformat()) == ["Pekerja 2"]
    assert names(entered_after=first.isoformat(), entered_before=second.isoformat()) == [
        "Pekerja 1",
        "Pekerja 2",
    ]
    # A bound on the column as it is, so the index on (status, entered_at) serves the review queue.
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("enrollment:review_queue"), {"entered_after": first.isoformat()})
    sql = " ".join(
        query["sql"] for query in queries.captured_queries if "enrollment_enrollment" in query["sql"]
    )
    assert '"entered_at" >=' in sql
    assert not any(cast in sql for cast in ("::date", "AT TIME ZONE", "cast_date"))


def test_the_queue_s_filter_panel_opens_only_when_a_filter_is_used(client, official):
    client.force_login(official)
    url = reverse("enrollment:review_queue")

    assert '<details class="mb-3" hx-get="?filters=form"' in client.get(url).content.decode()
    assert '<details class="mb-3" open>' in client.get(url, {"other_district": "on"}).content.decode()


def test_a_province_names_a_regency_before_the_area_wide_filters(client, official, agent, campaign):
    """They read every waiting entry of the area to find the few that match: 5-9 s for a country."""
    enroll(campaign, 1, agent)
    moved = enrollment_register(  # a worker whose NIK Karawang issued
        campaign=campaign, village=Region.objects.get(code="32.14.16.2005"), nik="3215011508950003",
        declaration=declaration(full_name="Pekerja 3"), heirs=[], funding_source=None, entered_by=agent,
    )  # fmt: skip
    url = reverse("enrollment:review_queue")

    def names(**params):
        return sorted(e.full_name for e in client.get(url, params).context["page"])

    client.force_login(OfficialFactory(regions=["32"]))
    refused = client.get(url, {"other_district": "on"})
    assert names(other_district="on") == ["Pekerja 1", "Pekerja 3"]  # not applied, and said
    assert "Isi kabupaten/kota atau wilayah yang lebih kecil" in refused.content.decode()
    assert names(other_district="on", region="32.14") == [moved.full_name]
    client.force_login(AdminFactory())
    assert names(overlap="on") == ["Pekerja 1", "Pekerja 3"]
    assert names(overlap="on", region="32.14.16") == []
