"""An enrollment's count on its village quota, moved with every change of its status.

Which statuses hold a slot is the enrollment's rule (Enrollment.SLOT_HOLDING); the quota's one
conditional UPDATE (Quota.objects.count_move) applies it, in the caller's transaction (DESIGN.md
invariants 1 and 5). The services, the reconciliation and the entry's insert move counts here.
"""

from __future__ import annotations

from typing import Any

from campaigns.models import Campaign, Quota
from campaigns.models.quota import Fill
from regions.models import Region

from .models import Enrollment


def quota_move(campaign_id: int, village_id: int, old: str | None, new: str) -> dict[str, Any]:
    """What the quota's count_move (or count_move_sql) is asked, to move one enrollment from status
    `old` (None: it did not exist) to `new`: a slot is taken when the enrollment starts holding one,
    and given back when it stops."""
    holds_before, holds_after = old in Enrollment.SLOT_HOLDING, new in Enrollment.SLOT_HOLDING
    return {
        "campaign_id": campaign_id, "village_id": village_id, "old": old, "new": new,
        "slot": holds_after - holds_before,
    }  # fmt: skip


def count_move(campaign_id: int, village_id: int, old: str | None, new: str) -> Fill | None:
    """Move the enrollment's count on its quota; the quota's fill after the move, None when it
    wanted a slot and the village is full (nothing moved then)."""
    return Quota.objects.count_move(**quota_move(campaign_id, village_id, old, new))


def take_slot(campaign: Campaign, village: Region, old: str | None = None) -> Fill | None:
    return count_move(campaign.pk, village.pk, old, Enrollment.Status.REGISTERED)
