"""The rules of who may enroll whom, where and when, as functions that say why not.

The entry (enrollment.services), the bulk register of an import (enrollment.bulk) and the import's
dry run ask these same functions, so a crafted file meets the rules of the form, in its words.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, Quota
from regions.models import Region

from .models import MAX_INCOME, Enrollment
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


def already_enrolled(worker_id: int, campaign: Campaign, user: User) -> AlreadyEnrolled:
    existing = (
        Enrollment.objects.open_in(campaign).filter(worker_id=worker_id).select_related("village").first()
    )
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


DECLARED_TEXT = ("full_name", "phone", "address", "occupation_other", "kk_number")


@functools.cache
def _text_limits() -> tuple[tuple[str, int], ...]:
    """The declaration's text columns and their lengths, read from the model once: an import asks
    for every row, twice (the check, then the bulk register), and Django's lookups cost 40 µs a row."""
    limits = ((name, Enrollment._meta.get_field(name).max_length) for name in DECLARED_TEXT)  # type: ignore[union-attr]  # CharFields
    return tuple((name, limit) for name, limit in limits if limit is not None)


@functools.cache
def _occupations() -> frozenset[str]:
    """Django's `Choices.values` builds its list again on every call (35 µs): once is enough."""
    return frozenset(Enrollment.Occupation.values)


def declaration_problems(declared: dict) -> list[tuple[str, str]]:
    """What the database would refuse in a declaration, as (field, message) before anything is
    written: the entry's form checks these through its fields; an import and the bulk register call
    this, so a row the dry run accepts cannot fail on a constraint at commit (invariant 7). It mirrors
    the Enrollment's columns and constraints: change them together."""
    problems = []
    for name, limit in _text_limits():
        if len(declared.get(name) or "") > limit:
            problems.append((name, _("longer than %(limit)s characters") % {"limit": limit}))
    occupation = declared.get("occupation")
    if occupation not in _occupations():
        problems.append(("occupation", _("not an occupation on the list")))
    elif occupation == Enrollment.Occupation.OTHER and not (declared.get("occupation_other") or "").strip():
        problems.append(("occupation_other", _("name the occupation (it is “other”)")))
    kk = declared.get("kk_number") or ""
    if kk and not (len(kk) == 16 and kk.isascii() and kk.isdigit()):
        problems.append(("kk_number", _("a family card (KK) number has 16 digits")))
    if not 0 <= (declared.get("monthly_income") or 0) <= MAX_INCOME:
        problems.append(("monthly_income", _("not an amount in rupiah")))
    return problems
