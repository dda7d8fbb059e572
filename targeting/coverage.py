"""How much of a target list a campaign covers: of the people of the bottom deciles in an area, those
enrolled by this campaign, those covered by another for the same months (an overlap), those the
agents found gone or unwilling, and the rest, still to reach."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, Sum
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from enrollment.models import Enrollment
from regions.models import Region
from regions.reach import area_q

from .models import TargetCoverageCount, TargetPerson, Visit

DEFAULT_MAX_DESIL = 4  # the bottom 40%: what DTSEN-based programs aim at when a campaign says nothing


@dataclass(frozen=True)
class TargetCoverage:
    max_desil: int
    people: int
    here: int  # enrolled by this campaign (holding a slot)
    elsewhere: int  # not here, covered by another campaign for the same months
    visited: int  # neither, and an agent recorded why (not found, moved, died, refuses)
    as_of: dt.datetime | None = None  # counted in the background (a province, the country), or live

    @property
    def uncovered(self) -> int:
        return self.people - self.here - self.elsewhere

    @property
    def percent(self) -> int:
        return round(100 * self.here / self.people) if self.people else 0


def people_of(user: User, campaign: Campaign, region: Region | None):
    """The current lists' people of the campaign's deciles in the area, as far as the user reaches."""
    max_desil = campaign.max_desil or DEFAULT_MAX_DESIL
    people = TargetPerson.objects.filter(area_q(user, region, "village__code"))
    return people.current().filter(desil__lte=max_desil).exclude(nik=None)


def covered_here(campaign: Campaign):
    return Enrollment.objects.filter(
        campaign=campaign, status__in=Enrollment.SLOT_HOLDING, worker__nik=OuterRef("nik")
    )


def covered_elsewhere(campaign: Campaign):
    return Enrollment.objects.filter(worker__nik=OuterRef("nik")).overlapping(campaign)


def visited():
    return Visit.objects.filter(village=OuterRef("village"), nik=OuterRef("nik"))


# A district's list (a few thousand people) is counted live. A regency's was too, until the national
# bench met Aceh's largest (200,000 listed people: 2.6 s a dashboard, issue 25).
LIVE_FROM = Region.Level.DISTRICT


def target_coverage(user: User, campaign: Campaign, region: Region | None) -> TargetCoverage | None:
    """The area's coverage of its target lists: counted live for a district or a village (one query
    over its listed people), summed from the background count above (one query over its villages'
    rows); None where no current list covers the area."""
    if region is None or region.level < LIVE_FROM:
        return _counted(user, campaign, region)
    # Grouped by the three answers, each asked once a person: counted with FILTERs, every count
    # asked them again (eight lookups a person, 150 ms for a district of 3,500, issue 25).
    groups = (
        people_of(user, campaign, region)
        .annotate(
            is_here=Exists(covered_here(campaign)),
            is_elsewhere=Exists(covered_elsewhere(campaign)),
            is_visited=Exists(visited()),
        )
        .order_by()
        .values_list("is_here", "is_elsewhere", "is_visited")
        .annotate(n=Count("pk"))
    )
    counts = {"people": 0, "here": 0, "elsewhere": 0, "visited": 0}
    for here, elsewhere, seen, n in groups:
        counts["people"] += n
        kind = "here" if here else "elsewhere" if elsewhere else "visited" if seen else None
        if kind:
            counts[kind] += n
    if not counts["people"]:
        return None
    return TargetCoverage(
        campaign.max_desil or DEFAULT_MAX_DESIL,
        counts["people"], counts["here"], counts["elsewhere"], counts["visited"],
    )  # fmt: skip


def _counted(user: User, campaign: Campaign, region: Region | None) -> TargetCoverage | None:
    rows = TargetCoverageCount.objects.filter(campaign=campaign).filter(area_q(user, region, "village__code"))
    sums = rows.aggregate(
        people=Sum("people"), here=Sum("here"), elsewhere=Sum("elsewhere"), visited=Sum("visited"),
        as_of=Min("counted_at"),
    )  # fmt: skip
    if not sums["people"]:
        return None
    return TargetCoverage(max_desil=campaign.max_desil or DEFAULT_MAX_DESIL, **sums)


def coverage_refresh(campaigns=None) -> int:
    """Count each campaign's coverage of the target lists per village (the background count read by
    the dashboards of regencies, provinces and the country): one grouped query per campaign; the
    rows written."""
    written = 0
    now = timezone.now()
    for campaign in (
        campaigns if campaigns is not None else Campaign.objects.exclude(status=Campaign.Status.DRAFT)
    ):
        people = (
            TargetPerson.objects.current()
            .filter(desil__lte=campaign.max_desil or DEFAULT_MAX_DESIL)
            .exclude(nik=None)
            .annotate(
                is_here=Exists(covered_here(campaign)),
                is_elsewhere=Exists(covered_elsewhere(campaign)),
                is_visited=Exists(visited()),
            )
            .order_by()
            .values("village")
            .annotate(
                n_people=Count("pk"),
                n_here=Count("pk", filter=Q(is_here=True)),
                n_elsewhere=Count("pk", filter=Q(is_here=False, is_elsewhere=True)),
                n_visited=Count("pk", filter=Q(is_here=False, is_elsewhere=False, is_visited=True)),
            )
        )
        counts = [
            TargetCoverageCount(
                campaign=campaign,
                village_id=row["village"],
                max_desil=campaign.max_desil or DEFAULT_MAX_DESIL,
                people=row["n_people"],
                here=row["n_here"],
                elsewhere=row["n_elsewhere"],
                visited=row["n_visited"],
                counted_at=now,
            )
            for row in people
        ]
        with transaction.atomic():
            TargetCoverageCount.objects.filter(campaign=campaign).delete()
            TargetCoverageCount.objects.bulk_create(counts, batch_size=5000)
        written += len(counts)
    return written
