import pytest

from regions.models import Region
from tests.conftest import load_regions
from tests.factories import CampaignFactory, OfficialFactory, quota


@pytest.fixture
def province_official(purwakarta):
    return OfficialFactory(username="pejabat.jabar", regions=["32"])


@pytest.fixture
def jabar_campaign(purwakarta, province_official):
    """Jawa Barat's campaign, with quotas in Tanjungsari (Purwakarta) and in a Karawang village."""
    campaign = CampaignFactory(
        name="1 Desa 100 Perlindungan 2025 — Jawa Barat",
        slug="jabar-2025",
        organizer=Region.objects.get(code="32"),
        created_by=province_official,
    )
    quota(campaign, "32.14.16.2005", filled=53, baseline=52)
    quota(campaign, "32.14.16.2006", filled=10)
    quota(campaign, "32.15.01.1001", filled=7)
    return campaign


@pytest.fixture
def sijunjung_campaign(db):
    """Satu Nagari 100 Pekerja Rentan: organized by Kab. Sijunjung (13.03), nothing in Jawa Barat."""
    load_regions("13.03")
    campaign = CampaignFactory(
        name="Satu Nagari 100 Pekerja Rentan",
        slug="sijunjung-2023",
        organizer=Region.objects.get(code="13.03"),
    )
    village = Region.objects.villages().below(Region.objects.get(code="13.03")).first()
    quota(campaign, village.code)
    return campaign
