"""Before a campaign starts: how many of the target lists its rules keep, by regency (a province's
campaign) or by village, so the organizer sees what a rule does before agents meet it.

Counted in the background, per village, whenever the rules or the area's current lists change: a
province's lists hold millions of people (West Java's 2.1 million took 14.9 s to count in one
grouped query, bench/RESULTS.md), far past what a page may take. The page reads the per-village
counts (one grouped query over the area's villages) and says when they were made; while a count
runs, it says so and shows the earlier figures, marked as for other rules.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Count, Exists, Q, Sum, Value
from django.db.models.functions import Replace, Substr
from django.utils import timezone
from django_tasks import task

from accounts.models import User
from campaigns.models import Campaign, Strictness
from regions.models import Region
from regions.reach import reach_q

from .coverage import covered_elsewhere
from .models import EligibilityCount, EligibilityCounting, TargetList, TargetPerson

MAX_ROWS = 500  # a regency's villages; a province's regencies
STALLED = dt.timedelta(minutes=30)  # a count not done by then is asked again (its worker died)
RULES = ("desil", "age", "residence", "not_elsewhere")


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


@dataclass
class Preview:
    rows: list[PreviewRow]
    counted_at: dt.datetime | None  # None: never counted yet
    counting: bool  # a count is on its way
    current: bool  # the rows are for the campaign's rules and lists as they are now


def rules_counted(campaign: Campaign) -> dict:
    """What the counts depend on, to tell whether they still stand: the rules, the campaign's months
    (age and overlap are reckoned on them) and the current lists of its area."""
    lists = TargetList.objects.current().filter(
        Q(region__code__startswith=campaign.organizer.code)
        | Q(region__code__in=_above(campaign.organizer.code))
    )
    return {
        "max_desil": campaign.max_desil,
        "desil_rule": campaign.desil_rule,
        "residence_rule": campaign.residence_rule,
        "overlap_rule": campaign.overlap_rule,
        "ages": [campaign.min_age, campaign.max_age],
        "months": [campaign.starts_on.isoformat(), campaign.ends_on.isoformat(), campaign.coverage_months],
        "lists": sorted(lists.values_list("pk", flat=True)),
    }


def _above(code: str) -> list[str]:
    """The codes of the regions holding `code` (a province's list covers its regencies)."""
    parts = code.split(".")
    return [".".join(parts[:n]) for n in range(1, len(parts))]


def _conditions(campaign: Campaign) -> dict[str, Q]:
    born_after = campaign.starts_on - relativedelta(years=campaign.max_age + 1)
    born_by = campaign.starts_on - relativedelta(years=campaign.min_age)
    return {
        "desil": Q(desil__lte=campaign.max_desil) if campaign.max_desil else Q(),
        "age": Q(birth_date__gt=born_after, birth_date__lte=born_by),
        "residence": Q(district_of_nik=Replace(Substr("village__code", 1, 8), Value("."), Value(""))),
        "not_elsewhere": Q(elsewhere=False),
    }


def _kept(campaign: Campaign, conditions: dict[str, Q]) -> Q:
    """Those every refusing rule keeps (a warning keeps the person; age always refuses)."""
    refusing = {
        "desil": campaign.desil_rule, "age": Strictness.REFUSE, "residence": campaign.residence_rule,
        "not_elsewhere": campaign.overlap_rule,
    }  # fmt: skip
    kept = Q()
    for name, condition in conditions.items():
        if refusing[name] == Strictness.REFUSE:
            kept &= condition
    return kept


def eligibility_count(campaign: Campaign) -> int:
    """Count, per village of the campaign's area, the listed people and how many each rule keeps
    (one grouped query), and replace the earlier counts; the villages written."""
    rules = rules_counted(campaign)
    conditions = _conditions(campaign)
    per_village = (
        TargetPerson.objects.current()
        .exclude(nik=None)
        .filter(village__code__startswith=campaign.organizer.code)
        .annotate(district_of_nik=Substr("nik", 1, 6), elsewhere=Exists(covered_elsewhere(campaign)))
        .order_by()
        .values("village")
        .annotate(
            n_people=Count("pk"),
            # Prefixed: an alias "desil" would shadow the column the conditions read.
            **{f"n_{name}": Count("pk", filter=condition) for name, condition in conditions.items()},
            n_kept=Count("pk", filter=_kept(campaign, conditions)),
        )
    )
    counts = [
        EligibilityCount(
            campaign=campaign,
            village_id=row["village"],
            people=row["n_people"],
            kept=row["n_kept"],
            **{name: row[f"n_{name}"] for name in RULES},
        )
        for row in per_village
    ]
    with transaction.atomic():
        EligibilityCount.objects.filter(campaign=campaign).delete()
        EligibilityCount.objects.bulk_create(counts, batch_size=5000)
        now = timezone.now()  # one reading: a count asked after it was made is one still to run
        EligibilityCounting.objects.update_or_create(
            campaign=campaign,
            defaults={"rules": rules, "counted_at": now},
            create_defaults={"rules": rules, "counted_at": now, "asked_at": now},
        )
    return len(counts)


@task()
def count_eligibility(campaign_id: int) -> None:
    eligibility_count(Campaign.objects.select_related("organizer").get(pk=campaign_id))


def ask_count(campaign: Campaign) -> None:
    """Queue a count (`manage.py task_worker` runs it; at once under the tests' immediate backend)."""
    EligibilityCounting.objects.update_or_create(
        campaign=campaign,
        defaults={"asked_at": timezone.now()},
        create_defaults={"asked_at": timezone.now(), "counted_at": None},
    )
    count_eligibility.enqueue(campaign.pk)


def eligibility_preview(user: User, campaign: Campaign) -> Preview:
    """The counts as far as the user reaches, by regency for a province's campaign and by village
    below; a count is asked for when there is none, or none for the rules and lists as they are and
    none on its way (so opening the page after a new list has come counts again)."""
    rules = rules_counted(campaign)
    counting = EligibilityCounting.objects.filter(campaign=campaign).first()
    if counting is None or (counting.rules != rules and not _running(counting)):
        ask_count(campaign)
        counting = EligibilityCounting.objects.get(campaign=campaign)
    current = counting.counted_at is not None and counting.rules == rules
    return Preview(
        rows=_rows(user, campaign) if counting.counted_at else [],
        counted_at=counting.counted_at,
        counting=_running(counting),
        current=current,
    )


def _running(counting: EligibilityCounting) -> bool:
    asked_later = counting.counted_at is None or counting.asked_at > counting.counted_at
    return asked_later and timezone.now() - counting.asked_at < STALLED


def _rows(user: User, campaign: Campaign) -> list[PreviewRow]:
    length = 5 if campaign.organizer.level == Region.Level.PROVINCE else 13
    sums = {"n_people": Sum("people"), "n_kept": Sum("kept"), **{f"n_{name}": Sum(name) for name in RULES}}
    grouped: Any = (  # rows of the group and its sums (the stubs know only the group)
        EligibilityCount.objects.filter(campaign=campaign)
        .filter(reach_q(user, "village__code"))
        .annotate(group=Substr("village__code", 1, length))
        .order_by("group")
        .values("group")
        .annotate(**sums)
    )
    counts: list[dict[str, Any]] = list(grouped[:MAX_ROWS])
    names = dict(Region.objects.filter(code__in=[row["group"] for row in counts]).values_list("code", "name"))
    return [
        PreviewRow(
            code=row["group"],
            name=names.get(row["group"], row["group"]),
            people=row["n_people"],
            kept=row["n_kept"],
            **{name: row[f"n_{name}"] for name in RULES},
        )
        for row in counts
    ]
