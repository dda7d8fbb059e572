from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from campaigns.models import Campaign
from tests.conftest import load_regions

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_users_who_can_sign_in_and_an_active_campaign_and_can_run_twice():
    load_regions("32.14")
    out = StringIO()

    call_command("seed_demo", "--force", stdout=out)
    call_command("seed_demo", "--force", stdout=out)

    assert "agen.tanjungsari" in out.getvalue()
    assert User.objects.get(username="agen.tanjungsari").check_password("desa100-demo")
    assert User.objects.get(username="admin").is_superuser
    campaign = Campaign.objects.get()
    assert campaign.status == Campaign.Status.ACTIVE
    assert campaign.quotas.totals()["target"] == 19_200
    assert campaign.quotas.get(village__code="32.14.16.2005").baseline == 52


def test_seed_demo_refuses_to_run_without_debug():
    with pytest.raises(CommandError, match="refusing"):
        call_command("seed_demo", stdout=StringIO())
