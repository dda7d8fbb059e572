"""The campaigns app's models: campaigns (with funding sources and rates) and village quotas, all
importable from `campaigns.models`."""

from .campaign import (
    DEFAULT_CONTRIBUTION,
    MAX_TARGET,
    Campaign,
    CampaignError,
    CampaignQuerySet,
    ContributionRate,
    FundingSource,
    Strictness,
    add_months,
    month_of,
    rate_in_force,
)
from .quota import FILL_SHARE, Quota, QuotaQuerySet, QuotaSums

__all__ = [
    "DEFAULT_CONTRIBUTION",
    "FILL_SHARE",
    "MAX_TARGET",
    "Campaign",
    "CampaignError",
    "CampaignQuerySet",
    "ContributionRate",
    "FundingSource",
    "Quota",
    "QuotaQuerySet",
    "QuotaSums",
    "Strictness",
    "add_months",
    "month_of",
    "rate_in_force",
]
