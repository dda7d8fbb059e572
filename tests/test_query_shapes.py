"""The shapes of query that stay fast at national scale, pinned where a planner trap was found (issue
25): at 8.4 million enrollments each trap below took seconds, and a later change must not bring one
back. Each test reads the SQL a page sends and asserts the shape that cannot be slow."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollment.admin import EnrollmentAdmin
from enrollment.nearby import known_nik
from regions import reach
from tests.factories import AdminFactory, enroll, nik_for

pytestmark = pytest.mark.django_db


def _sql(client, url: str, params: dict) -> tuple[object, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return response, [query["sql"] for query in queries]


def test_entered_by_resolves_the_user_first_and_filters_enrollments_by_their_id(
    client, official, agent, campaign
):
    enroll(campaign, agent, 1, full_name="Pekerja 1")
    enroll(campaign, official, 2, full_name="Pekerja 2")
    client.force_login(official)
    response, sql = _sql(
        client, reverse("enrollment:enrollment_list"), {"entered_by": agent.username.upper()}
    )
    assert [e.full_name for e in response.context["page"]] == ["Pekerja 1"]  # any case finds the agent
    listing = [q for q in sql if 'FROM "enrollment_enrollment"' in q]
    assert listing and all('"entered_by_id" IN (' in q and "UPPER(" not in q for q in listing)
    # PostgreSQL reads it on the index of UPPER(username) (accounts' migration 0002).
    assert any('FROM "accounts_user"' in q and '"username"' in q for q in sql)


def _plan(sql: str, priced_out: str) -> str:
    """PostgreSQL's plan with one way priced out (`enable_seqscan`, `enable_sort`): a plan that uses
    it still has no other (a small test table would be scanned or sorted anyway)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL {priced_out} = off")
        cursor.execute(f"EXPLAIN {sql}")
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute(f"SET LOCAL {priced_out} = on")
    return plan


def _reads_by_index(sql: str, table: str) -> bool:
    return f"Seq Scan on {table}" not in _plan(sql, "enable_seqscan")


@pytest.mark.parametrize(
    ("changelist", "typed", "table", "column", "found"),
    [
        (
            "admin:billing_bill_changelist",
            " tag/202612/0000001 ",
            "billing_bill",
            "number",
            "TAG/202612/0000001",
        ),
        ("admin:billing_payment_changelist", "VA-000123 ", "billing_payment", "reference", "VA-000123"),
    ],
)
def test_an_admin_search_for_a_whole_number_is_an_equality_on_its_unique_index(
    client, changelist, typed, table, column, found
):
    client.force_login(AdminFactory())
    _response, sql = _sql(client, reverse(changelist), {"q": typed})
    searches = [q for q in sql if f'FROM "{table}"' in q and f'"{column}"' in q.split("WHERE", 1)[-1]]
    assert searches and all("UPPER(" not in q and f"'{found}'" in q for q in searches)
    if connection.vendor == "postgresql":
        assert all(_reads_by_index(q, table) for q in searches)


def test_a_deep_admin_page_takes_its_ids_first_and_joins_only_the_page(client, agent, campaign, monkeypatch):
    for n in range(1, 6):
        enroll(campaign, agent, n, full_name=f"Pekerja {n}")
    client.force_login(AdminFactory())
    url = reverse("admin:enrollment_enrollment_changelist")
    monkeypatch.setattr(EnrollmentAdmin, "list_per_page", 2)
    response, sql = _sql(client, url, {"p": "2"})
    assert [e.full_name for e in response.context["cl"].result_list] == ["Pekerja 3", "Pekerja 2"]
    offsets = [q for q in sql if "OFFSET" in q and 'FROM "enrollment_enrollment"' in q]
    assert offsets and all("JOIN" not in q for q in offsets)  # the skipped rows are never joined
    assert any("JOIN" in q and '"enrollment_enrollment"."id" IN (' in q for q in sql)  # the page's rows


@pytest.mark.parametrize("sort", ["fill", "-fill"])
def test_the_quota_table_sorted_by_fill_reads_the_order_from_the_fill_index(client, campaign, sort):
    client.force_login(AdminFactory())
    response, sql = _sql(client, reverse("campaigns:quota_list", args=[campaign.slug]), {"sort": sort})
    assert len(response.context["page"].object_list) == 2
    listing = [q for q in sql if 'FROM "campaigns_quota"' in q and "ORDER BY" in q and "LIMIT" in q]
    assert listing
    if connection.vendor == "postgresql":
        assert all("Sort" not in _plan(q, "enable_sort") for q in listing)  # no sort of every quota


def test_a_regency_s_list_names_its_villages_and_a_larger_area_its_code(
    client, official, agent, campaign, monkeypatch
):
    """A regency's villages as ids: PostgreSQL then reads just their enrollments (a name search walked
    every enrollment of the country newest first, 0.5 s). A province's thousands of ids cost more to
    bind than its code prefix does to join."""
    enroll(campaign, agent, 1, full_name="Sri Wahyuni")
    client.force_login(official)
    url = reverse("enrollment:enrollment_list")
    response, sql = _sql(client, url, {"q": "sri"})
    assert [e.full_name for e in response.context["page"]] == ["Sri Wahyuni"]
    ids_first = [q for q in sql if 'SELECT "enrollment_enrollment"."id" AS "pk"' in q]
    assert ids_first and all('"village_id" IN (' in q and "regions_region" not in q for q in ids_first)

    monkeypatch.setattr(reach, "VILLAGES_AS_IDS", 10)  # Purwakarta as large as a province
    response, sql = _sql(client, url, {"q": "sri"})
    assert [e.full_name for e in response.context["page"]] == ["Sri Wahyuni"]
    ids_first = [q for q in sql if 'SELECT "enrollment_enrollment"."id" AS "pk"' in q]
    assert ids_first and all("LIKE '32.14%'" in q.replace("\\\\", "") for q in ids_first)


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's catalogue of indexes")
def test_the_enrollments_keep_only_the_indexes_a_read_needs():
    """Every index is written on every insert (issue 25: 21 on the enrollments and 15 on their history
    cost 42% of an insert's time at 8.4 million). A new one is a decision: add it here with its read."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tablename, count(*) FROM pg_indexes WHERE tablename IN ('enrollment_enrollment', "
            "'enrollment_historicalenrollment', 'enrollment_worker', 'enrollment_heir') GROUP BY tablename"
        )
        counts = dict(cursor.fetchall())
    assert counts == {
        "enrollment_enrollment": 15,  # 14, and the occupation's (the lists' filter, issue 25's crawl)
        "enrollment_historicalenrollment": 4,
        "enrollment_worker": 3,  # the key, the NIK's and the KPJ's unique (no LIKE pattern indexes)
        "enrollment_heir": 2,
    }  # fmt: skip


def test_the_entry_reads_a_nik_and_its_neighbours_on_the_unique_index(campaign):
    """The submit's one read of the workers (enrollment.nearby.known_nik): the NIK and its 159
    neighbours as equalities on the unique NIK index, whatever the size of the workers' table; the
    bench's 10,000 workers are small enough for a scan, the country's 8 million are not."""
    with CaptureQueriesContext(connection) as queries:
        known = known_nik(nik_for(1), campaign)
    [read] = [query["sql"] for query in queries]
    assert known.worker is None and "UPPER(" not in read
    if connection.vendor == "postgresql":
        assert '"nik" = ANY(ARRAY[' in read and _reads_by_index(read, "enrollment_worker")
    else:
        assert '"nik" IN (' in read
