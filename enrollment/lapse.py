"""The lapse rule, in one place: how an active worker's contributions stand, by the full months left
unpaid. BPJS ends a BPU membership after three unpaid months (DOMAIN.md); the month under way is not
unpaid until it ends.

Everything that sorts workers by it derives from UNPAID_FROM: the Python answer for one enrollment
(`state_for`), the filter for a list (`paid_through_q`) and the expression a dashboard groups by
(`state_expression`). tests/enrollment/test_lapse.py holds the three to the same answer on every
month boundary, so a list can never disagree with a dashboard.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Case, CharField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from campaigns.models import add_months


class CoverageState(models.TextChoices):
    PAID = "paid", _("Paid up")
    LAPSING = "lapsing", _("Lapsing (1 month unpaid)")
    AT_RISK = "at_risk", _("At risk (2 months unpaid)")
    LAPSED = "lapsed", _("Lapsed (3 months or more unpaid)")


# The colour each state's badge has, wherever it shows (a worker's page, the behind list).
BADGES: dict[str, str] = {
    CoverageState.PAID: "text-bg-success",
    CoverageState.LAPSING: "text-bg-info",
    CoverageState.AT_RISK: "text-bg-warning",
    CoverageState.LAPSED: "text-bg-danger",
}

# Each state from how many full months unpaid, in order; the last holds for any number above it.
UNPAID_FROM = {
    CoverageState.PAID: 0,
    CoverageState.LAPSING: 1,
    CoverageState.AT_RISK: 2,
    CoverageState.LAPSED: 3,
}


def last_month(today: dt.date) -> dt.date:
    """The last month that has ended: the one a worker paid up to date has paid."""
    return add_months(today.replace(day=1), -1)


def unpaid_months(paid_through: dt.date, today: dt.date) -> int:
    """Full months after `paid_through` and before the month of `today`."""
    ended = last_month(today)
    return max(0, (ended.year - paid_through.year) * 12 + ended.month - paid_through.month)


def state_for(unpaid: int) -> CoverageState:
    """The state of a worker with this many full months unpaid."""
    return max((s for s, least in UNPAID_FROM.items() if unpaid >= least), key=UNPAID_FROM.__getitem__)


def paid_through_q(state: str, today: dt.date, field: str = "paid_through") -> Q:
    """The paid-through months of the workers in `state` on `today` (for an indexed filter): from
    `least` to `most` months unpaid, where paid through last month or later is none unpaid. `field`
    names the column from another model ("enrollment__paid_through")."""
    states = list(UNPAID_FROM)
    position = states.index(CoverageState(state))
    least = UNPAID_FROM[states[position]]
    q = Q(**{f"{field}__lte": add_months(last_month(today), -least)}) if least else Q()
    if position + 1 < len(states):
        most = UNPAID_FROM[states[position + 1]] - 1
        q &= Q(**{f"{field}__gte": add_months(last_month(today), -most)})
    return q


def state_expression(today: dt.date) -> Case:
    """The state as a database expression, for grouping (the dashboards' breakdown)."""
    whens = [When(paid_through_q(state, today), then=Value(state)) for state in UNPAID_FROM]
    return Case(*whens, output_field=CharField())


def lapsing_this_month_q(today: dt.date, field: str = "paid_through") -> Q:
    """Workers who are not lapsed today but will be on the first of next month if nothing is paid:
    those at the cliff."""
    next_month = add_months(today.replace(day=1), 1)
    lapsed = CoverageState.LAPSED
    return paid_through_q(lapsed, next_month, field) & ~paid_through_q(lapsed, today, field)
