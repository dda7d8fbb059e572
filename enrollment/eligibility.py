"""Who a campaign is for: its rules, each off, a warning or a refusal as its organizer chose
(Campaign.*_rule), asked in one place by the three ways a worker comes in: the entry (as the NIK is
typed, and on saving), the import's dry run (per row, chunk by chunk) and the offline queue (which
posts to the entry, and reads its answer).

The rules on the target list (named on it, its welfare decile) need the targeting app, a floor above:
it registers how to read the list (`register_target_book`), so this module stays the one home of the
rules and the entry does not depend on the app that reads DTSEN files.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, Strictness
from regions.models import Region

from .models import Enrollment


@dataclass(frozen=True)
class Applicant:
    """A person about to be enrolled: what is known of them at the moment of asking."""

    nik: str
    village: Region
    occupation: str = ""  # not typed yet when the NIK is checked


@dataclass(frozen=True)
class Finding:
    rule: str  # the Campaign field that states it
    message: str
    refuses: bool


@dataclass
class TargetFacts:
    """What the target lists say of some applicants: the villages a current list covers, and each
    listed (NIK, village id)'s decile."""

    listed_villages: set[int] = field(default_factory=set)
    desil: dict[tuple[str, int], int] = field(default_factory=dict)


TargetBook = Callable[[Sequence[Applicant]], TargetFacts]
_target_books: list[TargetBook] = []


def register_target_book(book: TargetBook) -> None:
    """Called by the targeting app once, at start-up."""
    if book not in _target_books:
        _target_books.append(book)


def _target_facts(applicants: Sequence[Applicant]) -> TargetFacts:
    return _target_books[0](applicants) if _target_books else TargetFacts()


def _finding(campaign: Campaign, rule: str, message: str | Promise) -> Finding | None:
    strictness = getattr(campaign, rule)
    if strictness == Strictness.OFF:
        return None
    return Finding(rule, str(message), strictness == Strictness.REFUSE)


def occupation_problem(campaign: Campaign, occupation: str) -> str | None:
    if not occupation or campaign.occupation_rule == Strictness.OFF or not campaign.occupations:
        return None
    if (occupation in campaign.occupations) != campaign.occupations_excluded:
        return None
    return _("%(occupation)s is not an occupation this campaign is for.") % {
        "occupation": Enrollment.Occupation(occupation).label
    }


def findings(
    campaign: Campaign,
    applicants: Sequence[Applicant],
    *,
    user: User,
    workers: Mapping[str, int],
) -> list[list[Finding]]:
    """Each applicant's findings, in the order given: three queries for any number of applicants
    (covered elsewhere, the target lists), so the import asks per chunk and not per row; a fourth
    when a NIK was issued outside its village's district (does that district still exist?).

    `workers` are the ids of the applicants' workers by NIK, as the caller has read them on the NIK
    index: a NIK not in it has no worker yet, so is covered nowhere and costs no query."""
    covered: dict[str, list[Enrollment]] = {}
    if campaign.overlap_rule != Strictness.OFF and workers:
        nik_of = {worker_id: nik for nik, worker_id in workers.items()}
        for other in (
            Enrollment.objects.filter(worker_id__in=list(nik_of))
            .overlapping(campaign)
            .select_related("campaign", "village")
        ):
            covered.setdefault(nik_of[other.worker_id], []).append(other)
    wants_targets = campaign.target_rule != Strictness.OFF or campaign.desil_rule != Strictness.OFF
    facts = _target_facts(applicants) if wants_targets else TargetFacts()
    gone = _gone_districts(campaign, applicants)
    return [
        _one(campaign, applicant, covered.get(applicant.nik, []), facts, user, gone)
        for applicant in applicants
    ]


def _district(nik: str) -> str:
    return f"{nik[:2]}.{nik[2:4]}.{nik[4:6]}"


def _issued_here(applicant: Applicant) -> bool:
    return applicant.village.code.replace(".", "").startswith(applicant.nik[:6])


DISTRICTS_FOR_SECONDS = 600  # how long a process keeps today's district codes


def _gone_districts(campaign: Campaign, applicants: Sequence[Applicant]) -> set[str]:
    """The districts, among NIKs issued outside their village's, that today's region list no longer
    has (regions split): there is no telling where such a worker lives. A query only when needed."""
    if campaign.residence_rule == Strictness.OFF:
        return set()
    elsewhere = {_district(applicant.nik) for applicant in applicants if not _issued_here(applicant)}
    if not elsewhere:
        return set()
    return elsewhere - _districts(int(time.monotonic() // DISTRICTS_FOR_SECONDS))


@functools.lru_cache(maxsize=1)
def _districts(_period: int) -> frozenset[str]:
    """Today's district codes (some 7,300), read once per process every ten minutes instead of once
    per entry: a region split is rare, and the finding is a warning."""
    return frozenset(Region.objects.filter(level=Region.Level.DISTRICT).values_list("code", flat=True))


def forget_districts() -> None:
    """Read the districts again now (each test has its own regions; a server reads them again within
    ten minutes of an import_regions)."""
    _districts.cache_clear()


def _one(
    campaign: Campaign,
    applicant: Applicant,
    covered: list[Enrollment],
    facts: TargetFacts,
    user: User,
    gone: set[str],
) -> list[Finding]:
    found: list[Finding | None] = []
    district = _district(applicant.nik)
    if _issued_here(applicant):
        pass
    elif district in gone:  # a warning whatever the rule: the old district may have become this one
        found.append(
            Finding(
                "residence_rule",
                str(
                    _(
                        "The NIK was issued in district %(code)s, which is not in today's region list (perhaps before a region split): check that the worker lives here."
                    )
                    % {"code": district}
                ),
                refuses=False,
            )
        )
    else:
        found.append(
            _finding(
                campaign, "residence_rule",
                _("The NIK was issued in district %(code)s, not in the village's district; check that the worker lives here.")
                % {"code": district},
            )
        )  # fmt: skip
    for other in covered:
        if user.reaches(other.village):
            message = _(
                "This worker is already covered for part of this period by %(campaign)s in "
                "%(village)s: check that two budgets do not pay for one worker."
            ) % {"campaign": other.campaign.name, "village": other.village.display_name}
        else:  # the other campaign is named only inside the user's area
            message = _(
                "This worker is already covered for part of this period by another campaign: "
                "check that two budgets do not pay for one worker."
            )
        found.append(_finding(campaign, "overlap_rule", message))
    if problem := occupation_problem(campaign, applicant.occupation):
        found.append(_finding(campaign, "occupation_rule", problem))
    if applicant.village.pk in facts.listed_villages:
        desil = facts.desil.get((applicant.nik, applicant.village.pk))
        if desil is None:
            found.append(
                _finding(
                    campaign, "target_rule",
                    _("Not on the target list of %(village)s.") % {"village": applicant.village.display_name},
                )
            )  # fmt: skip
        elif campaign.max_desil and desil > campaign.max_desil:
            found.append(
                _finding(
                    campaign, "desil_rule",
                    _("On the target list in decile %(desil)s; this campaign is for deciles 1 to %(max)s.")
                    % {"desil": desil, "max": campaign.max_desil},
                )
            )  # fmt: skip
    return [finding for finding in found if finding]


def refusals(found: list[Finding]) -> list[str]:
    return [finding.message for finding in found if finding.refuses]


def warnings(found: list[Finding]) -> list[str]:
    return [finding.message for finding in found if not finding.refuses]
