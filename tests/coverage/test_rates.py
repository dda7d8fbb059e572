"""The contribution in force for a month and a funding kind: the campaign's dated schedule."""

import datetime as dt

import pytest

from campaigns.models import ContributionRate

pytestmark = pytest.mark.django_db

JAN, APR, DEC, JAN_2027 = dt.date(2026, 1, 1), dt.date(2026, 4, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)


@pytest.fixture
def pp_50_2025(campaign):
    """PP 50/2025: from April 2026 JKK + JKM are halved (Rp 8.400) for BPU workers, except where
    APBN/APBD pays; the discount ends with 2026."""
    for kind in ("csr", "village", "self", "other"):
        ContributionRate.objects.create(campaign=campaign, starts_on=APR, funding_kind=kind, amount=8_400)
    ContributionRate.objects.create(campaign=campaign, starts_on=JAN_2027, amount=16_800)
    return campaign


def test_before_any_line_the_campaigns_contribution_applies(pp_50_2025):
    assert pp_50_2025.rate_for(JAN, "csr") == 16_800
    assert pp_50_2025.rate_for(dt.date(2026, 3, 31), "self") == 16_800


def test_the_2026_discount_halves_the_rate_except_for_apbd(pp_50_2025):
    assert pp_50_2025.rate_for(APR, "csr") == 8_400
    assert pp_50_2025.rate_for(dt.date(2026, 7, 15), "village") == 8_400
    assert pp_50_2025.rate_for(DEC, "self") == 8_400
    assert pp_50_2025.rate_for(APR, "apbd_regency") == 16_800
    assert pp_50_2025.rate_for(APR, "apbd_province") == 16_800
    assert pp_50_2025.rate_for(APR, None) == 16_800  # no source named: the campaign's own budget


def test_the_latest_line_wins_so_the_discount_ends(pp_50_2025):
    assert pp_50_2025.rate_for(JAN_2027, "csr") == 16_800


def test_the_campaign_form_saves_a_rate_from_a_month(client, official, campaign):
    from django.urls import reverse

    client.force_login(official)
    url = reverse("campaigns:campaign_edit", args=[campaign.slug])
    page = client.get(url)
    data = {
        key: value
        for key, value in page.context["form"].initial.items()
        if value is not None and key in page.context["form"].fields
    }
    data.update(
        {
            "organizer": "32.14",
            "starts_on": campaign.starts_on.isoformat(),
            "ends_on": campaign.ends_on.isoformat(),
            "covers_jkk": "on",
            "covers_jkm": "on",
            "funding-TOTAL_FORMS": "0",
            "funding-INITIAL_FORMS": "0",
            "rates-TOTAL_FORMS": "1",
            "rates-INITIAL_FORMS": "0",
            "rates-0-starts_on": "2026-04",
            "rates-0-funding_kind": "csr",
            "rates-0-amount": "8400",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["rates"].errors
    rate = ContributionRate.objects.get(campaign=campaign)
    assert (rate.starts_on, rate.funding_kind, rate.amount) == (APR, "csr", 8_400)


def test_the_cost_per_worker_follows_the_schedule_month_by_month(campaign):
    from campaigns.models import month_of
    from enrollment.models import add_months

    first = month_of(campaign.starts_on)
    ContributionRate.objects.create(campaign=campaign, starts_on=add_months(first, 6), amount=8_400)
    campaign.refresh_from_db()
    assert campaign.cost_per_worker == 6 * 16_800 + 6 * 8_400
