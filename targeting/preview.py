"""Before a campaign starts: how many of the target lists its rules keep, by regency (a province's
campaign) or by village, so the organizer sees what a rule does before agents meet it."""

from __future__ import annotations

from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, Q, Value
from django.db.models.functions import Replace, Substr

from accounts.models import User
from campaigns.models import Campaign, Strictness
from regions.models import Region

from .coverage import covered_elsewhere
from .models import TargetPerson

MAX_ROWS = 500  # a regency's villages; a province's regencies


@dataclass
class PreviewRow:
    code: str
    name: str
    people: int
    desil: int
    age: int
    residence: int
    not_elsewhere: int
    kept: int


def _conditions(campaign: Campaign) -> dict[str, Q]:
    born_after = campaign.starts_on - relativedelta(years=campaign.max_age + 1)
    born_by = campaign.starts_on - relativedelta(years=campaign.min_age)
    return {
        "desil": Q(desil__lte=campaign.max_desil) if campaign.max_desil else Q(),
        "age": Q(birth_date__gt=born_after, birth_date__lte=born_by),
        "residence": Q(district_of_nik=Replace(Substr("village__code", 1, 8), Value("."), Value(""))),
        "not_elsewhere": Q(elsewhere=False),
    }


def eligibility_preview(user: User, campaign: Campaign) -> list[PreviewRow]:
    """One query: per regency or village of the campaign's area, the listed people and how many each
    rule keeps; `kept` applies the rules the campaign refuses by (a warning keeps the person)."""
    organizer = campaign.organizer
    length = 5 if organizer.level == Region.Level.PROVINCE else 13
    conditions = _conditions(campaign)
    refusing = {
        "desil": campaign.desil_rule, "age": Strictness.REFUSE, "residence": campaign.residence_rule,
        "not_elsewhere": campaign.overlap_rule,
    }  # fmt: skip
    kept = Q()
    for name, condition in conditions.items():
        if refusing[name] == Strictness.REFUSE:
            kept &= condition
    people = (
        TargetPerson.objects.for_user(user)
        .current()
        .exclude(nik=None)
        .filter(village__code__startswith=organizer.code)
        .annotate(
            group=Substr("village__code", 1, length),
            district_of_nik=Substr("nik", 1, 6),
            elsewhere=Exists(covered_elsewhere(campaign)),
        )
    )
    counts = list(
        people.order_by("group")
        .values("group")
        .annotate(
            n_people=Count("pk"),
            # Prefixed: an alias "desil" would shadow the column the conditions read.
            **{f"n_{name}": Count("pk", filter=condition) for name, condition in conditions.items()},
            n_kept=Count("pk", filter=kept),
        )[:MAX_ROWS]
    )
    names = dict(Region.objects.filter(code__in=[row["group"] for row in counts]).values_list("code", "name"))
    return [
        PreviewRow(
            code=row["group"],
            name=names.get(row["group"], row["group"]),
            people=row["n_people"],
            desil=row["n_desil"],
            age=row["n_age"],
            residence=row["n_residence"],
            not_elsewhere=row["n_not_elsewhere"],
            kept=row["n_kept"],
        )
        for row in counts
    ]
