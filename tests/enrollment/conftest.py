import pytest

from campaigns.models import Campaign
from regions.models import Region
from tests.factories import CampaignFactory, quota


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
