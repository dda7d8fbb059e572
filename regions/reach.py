"""A user's reach: the one home of who may see and act on which regions.

A user's reach is every region whose code starts with one of their own region codes; administrators
reach everything and a user with no region reaches nothing. Codes are fixed width (regions/codes.py),
so a plain prefix match never confuses 32.1 with 32.14. The three forms below (a filter, a predicate,
the level a user acts at) all read that one definition; `User.reaches` and `User.level_over` and every
`for_user` QuerySet method ask here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from django.db.models import Q

from .codes import level_of

if TYPE_CHECKING:
    from .models import Region


class Reacher(Protocol):
    """What the reach needs to know about a user (accounts.User, without importing it upward)."""

    is_superuser: bool

    @property
    def region_codes(self) -> list[str]: ...


def reach_q(user: Reacher, field: str = "code") -> Q:
    """A filter for rows whose region code (at `field`) is inside the user's reach."""
    if user.is_superuser:
        return Q()
    codes = user.region_codes
    if not codes:
        return Q(pk__in=[])
    q = Q()
    for code in codes:
        q |= Q(**{f"{field}__startswith": code})
    return q


VILLAGES_AS_IDS = 1_000  # a regency has some 300 villages; a province thousands


def village_reach_q(user: Reacher, field: str = "village_id") -> Q:
    """The same reach in the shape PostgreSQL plans best: a small area as its villages' ids, a
    large one by its code prefix.

    A filter by code prefix across a join hides from PostgreSQL how few villages a regency is:
    ordering its lapsing workers walked the national index (800 ms), and its name search walked every
    enrollment newest first (472 ms); with the ids it reads just those villages (12 ms, 83 ms,
    bench/RESULTS.md). A province's 5,957 ids cost some 25 ms on every query to bind and hash,
    where its code prefix answers in 1-7 ms: the planner rightly expects its rows to be many."""
    if user.is_superuser:
        return Q()
    from .models import Region  # the models import this module

    villages = Region.objects.filter(reach_q(user), level=Region.Level.VILLAGE)
    ids = list(villages.values_list("id", flat=True)[: VILLAGES_AS_IDS + 1])
    if len(ids) > VILLAGES_AS_IDS:
        return reach_q(user, "code" if field == "id" else f"{field.removesuffix('_id')}__code")
    return Q(**{f"{field}__in": ids})


def area_q(user: Reacher, region: Region | None, field: str = "code") -> Q:
    """The rows of `region`, which the caller has found inside the user's reach, or else of the whole
    reach: one prefix filter, never both. Both are two LIKEs on the same column to PostgreSQL, which
    multiplies their selectivities: it expected 458 of a province's 6,612 regions and chose plans
    for a few (a province's dashboard 230 ms, issue 25). Safe because a reach is a set of code
    prefixes: everything under a region inside it is inside it."""
    if region is None:
        return reach_q(user, field)
    return Q(**{f"{field}__startswith": region.code})


def reaches(user: Reacher, region: Region) -> bool:
    return user.is_superuser or any(region.code.startswith(code) for code in user.region_codes)


def level_over(user: Reacher, region: Region) -> int | None:
    """The level at which the user acts for `region`: that of their highest region holding it
    (Region.Level: 1 province … 4 village), 0 for administrators, None outside their reach.
    A sign-off locks a village's list for the users at or below the level that approved it."""
    if user.is_superuser:
        return 0
    levels = [level_of(code) for code in user.region_codes if region.code.startswith(code)]
    return min(levels, default=None)
