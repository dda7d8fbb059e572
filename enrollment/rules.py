"""The rules of who may enroll whom, where and when, as functions that say why not.

The entry (enrollment.services), the bulk register of an import (enrollment.bulk) and the import's
dry run ask these same functions, so a crafted file meets the rules of the form, in its words.
"""

from __future__ import annotations

import datetime as dt

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, Quota
from regions.models import Region

from .models import Enrollment, Worker
from .nik import age_on


class EnrollmentError(Exception):
    """An enrollment action the rules refuse; the message is for the user."""


class VillageFull(EnrollmentError):
    def __init__(self, quota: Quota):
        self.quota = quota
        super().__init__(
            _("%(village)s is full: %(filled)s of %(target)s slots are taken.")
            % {"village": quota.village.display_name, "filled": quota.filled, "target": quota.target}
        )


class AlreadyEnrolled(EnrollmentError):
    pass


def already_enrolled(worker: Worker, campaign: Campaign, user: User) -> AlreadyEnrolled:
    existing = Enrollment.objects.open_in(campaign).filter(worker=worker).select_related("village").first()
    if existing and user.reaches(existing.village):
        return AlreadyEnrolled(
            _("This worker is already enrolled in this campaign, in %(village)s.")
            % {"village": existing.village.display_name}
        )
    # Outside the user's area the village is not named: the user may not know where this person lives.
    return AlreadyEnrolled(_("This worker is already enrolled in this campaign."))


def age_problem(campaign: Campaign, birth_date: dt.date, on: dt.date) -> str | None:
    """Why a worker born on `birth_date` is too young or too old for the campaign on `on`, or None."""
    age = age_on(birth_date, on)
    if campaign.min_age <= age <= campaign.max_age:
        return None
    return _("The worker is %(age)s; this campaign enrolls workers aged %(min)s to %(max)s.") % {
        "age": age,
        "min": campaign.min_age,
        "max": campaign.max_age,
    }


def outside_area(village: Region) -> str:
    return _("%(village)s is outside your area.") % {"village": village.display_name}


def no_quota(village: Region) -> str:
    return _("%(village)s has no quota in this campaign.") % {"village": village.display_name}


def village_problem(village: Region, quota: Quota | None, by: User) -> str | Promise | None:
    """Why `by` may not enroll into this village's quota: outside their reach, no quota there, or a
    list signed off at their level; None when they may. The entry and the bulk register (an import)
    both ask here, so a crafted file meets the same rules as the form."""
    if not by.reaches(village):
        return outside_area(village)
    if quota is None:
        return no_quota(village)
    return quota.unlocked_for(by).reason
