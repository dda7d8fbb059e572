"""Django admin over millions of enrollments: no COUNT(*) of the whole table on a page view."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config.pagination import EstimatedCountPaginator
from tests.factories import AdminFactory, enroll

pytestmark = pytest.mark.django_db


def test_the_enrollment_changelist_lists_newest_first(client, campaign, agent):
    for n in range(1, 4):
        enroll(campaign, agent, n, full_name=f"Pekerja {n}")
    client.force_login(AdminFactory())

    response = client.get(reverse("admin:enrollment_enrollment_changelist"))

    assert [e.full_name for e in response.context["cl"].result_list] == [
        "Pekerja 3",
        "Pekerja 2",
        "Pekerja 1",
    ]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's planner's")
def test_past_the_exact_limit_the_changelist_takes_postgres_estimate_instead_of_counting(
    client, campaign, agent, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "cap", 2)
    for n in range(1, 6):
        enroll(campaign, agent, n)
    client.force_login(AdminFactory())

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:enrollment_enrollment_changelist"))

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 3  # the planner's estimate of the rows
    assert any(q["sql"].startswith("EXPLAIN") for q in queries)
    # The estimate is past the limit: nothing counted (a capped count could scan the whole table).
    assert not [q["sql"] for q in queries if "COUNT(" in q["sql"] and "enrollment_enrollment" in q["sql"]]


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's planner's")
def test_a_few_rows_by_the_estimate_are_counted_exactly(client, campaign, agent):
    for n in range(1, 4):
        enroll(campaign, agent, n)
    client.force_login(AdminFactory())
    response = client.get(reverse("admin:enrollment_enrollment_changelist"), {"status__exact": "rejected"})
    assert response.context["cl"].result_count == 0  # estimated at most a few: counted, exactly


def test_the_admin_search_finds_an_enrollment_by_nik_kpj_or_name(client, campaign, agent, official):
    from enrollment.services import enrollment_activate
    from tests.factories import TODAY, nik_for

    first = enroll(campaign, agent, 1, full_name="Asep Saepudin")
    enroll(campaign, agent, 2, full_name="Euis Rahayu")
    enrollment_activate(enrollment=first, by=official, kpj_number="25010000001", coverage_starts=TODAY)
    client.force_login(AdminFactory())
    url = reverse("admin:enrollment_enrollment_changelist")

    def found(term):
        return [e.full_name for e in client.get(url, {"q": term}).context["cl"].result_list]

    assert found(nik_for(1)) == ["Asep Saepudin"]
    assert found("3214 1615 0895 0001") == ["Asep Saepudin"]  # as people type it
    assert found("25010000001") == ["Asep Saepudin"]
    assert found("rahayu") == ["Euis Rahayu"]
    assert found("321416") == []  # a partial NIK finds nobody


def test_the_worker_changelist_lists_workers_until_a_search_narrows_it(client, campaign, agent):
    for n in range(1, 4):
        enroll(campaign, agent, n)
    client.force_login(AdminFactory())
    url = reverse("admin:enrollment_worker_changelist")
    assert len(client.get(url).context["cl"].result_list) == 3
    assert len(client.get(url, {"q": "3214"}).context["cl"].result_list) == 0  # no partial numbers
    assert client.get(url, {"q": "Asep"}).context["cl"].result_count == 0  # nor names: found nobody


def test_the_enrollment_changelist_sorts_only_by_what_an_index_orders(client, campaign, agent):
    for n in range(1, 4):
        enroll(campaign, agent, n, full_name=f"Pekerja {n}")
    client.force_login(AdminFactory())
    url = reverse("admin:enrollment_enrollment_changelist")
    changelist = client.get(url).context["cl"]
    sortable = [name for name in changelist.list_display if name in changelist.sortable_by]
    assert sortable == ["worker", "village", "entered"]  # not by name, campaign or status: a sort of millions
    oldest_first = client.get(url, {"o": str(changelist.list_display.index("entered"))}).context["cl"]
    assert [e.full_name for e in oldest_first.result_list] == ["Pekerja 1", "Pekerja 2", "Pekerja 3"]
