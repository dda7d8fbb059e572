"""The lapse rule has one home (enrollment.lapse); the list filter, a worker's page and the dashboard
derive from it, and here the three give the same answer for every worker on every month boundary."""

import datetime as dt

import pytest

from campaigns.models import add_months
from dashboards.summary import coverage_state
from enrollment.lapse import UNPAID_FROM, CoverageState, state_for
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate
from tests.factories import TODAY, enroll

pytestmark = pytest.mark.django_db

# Month ends and starts, February of a leap year and not, a year's end: where month arithmetic slips.
DAYS = [dt.date(2027, 1, 1), dt.date(2027, 1, 31), dt.date(2027, 2, 28), dt.date(2027, 3, 1), dt.date(2028, 2, 29),
        dt.date(2028, 3, 31), dt.date(2028, 12, 31)]  # fmt: skip


def test_state_for_follows_the_table():
    assert [state_for(n) for n in range(6)] == ["paid", "lapsing", "at_risk", "lapsed", "lapsed", "lapsed"]
    assert list(UNPAID_FROM) == list(CoverageState)  # every state has its threshold, in order


@pytest.mark.parametrize("today", DAYS, ids=str)
def test_the_filter_the_worker_page_and_the_dashboard_agree(campaign, official, agent, today):
    # Workers paid through each month from 6 months before the last ended one to 1 month ahead.
    first = add_months(today.replace(day=1), -7)
    workers = [enroll(campaign, agent, n) for n in range(1, 10)]
    for n, worker in enumerate(workers):
        enrollment_activate(
            enrollment=worker, by=official, kpj_number=f"2501000000{n}", coverage_starts=TODAY
        )
        Enrollment.objects.filter(pk=worker.pk).update(
            coverage_starts=first, coverage_ends=add_months(today, 12), paid_through=add_months(first, n)
        )
    active = Enrollment.objects.filter(pk__in=[w.pk for w in workers])

    by_property = {e.pk: e.coverage_state(today) for e in active}
    by_filter = {e.pk: state for state in CoverageState for e in active.covering(today).filter(
        pk__in=Enrollment.objects.in_coverage_state(state, today).values("pk"))}  # fmt: skip
    by_dashboard = dict(active.annotate(state=coverage_state(today)).values_list("pk", "state"))

    assert by_property == by_filter == by_dashboard
    assert set(by_property.values()) == set(CoverageState)  # every state met, so each was compared
