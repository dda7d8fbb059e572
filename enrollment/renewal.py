"""Renewal: which later campaigns a worker whose cover ends can be renewed into."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from accounts.models import User
from campaigns.models import Campaign, Quota

from .models import Enrollment


def renewal_options(user: User, enrollments: Iterable[Enrollment]) -> list[Campaign]:
    """The campaigns some of these workers can be renewed into: an open quota in their village, and
    not the campaign they are in. Each row gets its own as `renew_options`."""
    enrollments = list(enrollments)  # a page: read three times
    renewable = defaultdict(list)
    for quota in Quota.objects.open_for(user).filter(village_id__in={e.village_id for e in enrollments}):
        renewable[quota.village_id].append(quota.campaign)
    already_in = set(  # the campaigns each worker is in already: never offered to them
        Enrollment.objects.filter(
            worker_id__in={e.worker_id for e in enrollments}, status__in=Enrollment.OPEN
        ).values_list("worker_id", "campaign_id")
    )
    targets: dict[int, Campaign] = {}
    for enrollment in enrollments:
        enrollment.renew_options = [
            c for c in renewable[enrollment.village_id] if (enrollment.worker_id, c.pk) not in already_in
        ]
        targets.update((c.pk, c) for c in enrollment.renew_options)
    return sorted(targets.values(), key=lambda campaign: campaign.name)
