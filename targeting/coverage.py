"""How much of a target list a campaign covers: of the people of the bottom deciles in an area, those
enrolled by this campaign, those covered by another for the same months (an overlap), those the
agents found gone or unwilling, and the rest, still to reach."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q

from accounts.models import User
from campaigns.models import Campaign
from enrollment.models import Enrollment
from regions.models import Region

from .models import TargetPerson, Visit

DEFAULT_MAX_DESIL = 4  # the bottom 40%: what DTSEN-based programs aim at when a campaign says nothing


@dataclass(frozen=True)
class TargetCoverage:
    max_desil: int
    people: int
    here: int  # enrolled by this campaign (holding a slot)
    elsewhere: int  # not here, covered by another campaign for the same months
    visited: int  # neither, and an agent recorded why (not found, moved, died, refuses)

    @property
    def uncovered(self) -> int:
        return self.people - self.here - self.elsewhere

    @property
    def percent(self) -> int:
        return round(100 * self.here / self.people) if self.people else 0


def people_of(user: User, campaign: Campaign, region: Region | None):
    """The current lists' people of the campaign's deciles in the area, as far as the user reaches."""
    max_desil = campaign.max_desil or DEFAULT_MAX_DESIL
    people = TargetPerson.objects.for_user(user).current().filter(desil__lte=max_desil).exclude(nik=None)
    return people.filter(village__code__startswith=region.code) if region else people


def covered_here(campaign: Campaign):
    return Enrollment.objects.filter(
        campaign=campaign, status__in=Enrollment.SLOT_HOLDING, worker__nik=OuterRef("nik")
    )


def covered_elsewhere(campaign: Campaign):
    return Enrollment.objects.filter(worker__nik=OuterRef("nik")).overlapping(campaign)


def visited():
    return Visit.objects.filter(village=OuterRef("village"), nik=OuterRef("nik"))


def target_coverage(user: User, campaign: Campaign, region: Region | None) -> TargetCoverage | None:
    """One query over the area's listed people; None where no current list covers the area."""
    people = people_of(user, campaign, region).annotate(
        is_here=Exists(covered_here(campaign)),
        is_elsewhere=Exists(covered_elsewhere(campaign)),
        is_visited=Exists(visited()),
    )
    counts = people.aggregate(
        people=Count("pk"),
        here=Count("pk", filter=Q(is_here=True)),
        elsewhere=Count("pk", filter=Q(is_here=False, is_elsewhere=True)),
        visited=Count("pk", filter=Q(is_here=False, is_elsewhere=False, is_visited=True)),
    )
    if not counts["people"]:
        return None
    return TargetCoverage(max_desil=campaign.max_desil or DEFAULT_MAX_DESIL, **counts)
