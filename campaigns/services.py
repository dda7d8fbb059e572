"""Writes that span campaigns, quotas and regions: allocating village quotas in bulk or from a CSV."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from accounts.models import User
from config.uploads import CsvLineError, LineProblems, csv_lines
from regions.codes import is_valid_code
from regions.models import Region, RegionQuerySet

from .models import MAX_TARGET, Campaign, Quota

BATCH_SIZE = 5000
MAX_NAMED = 5  # villages named in a refusal; more would bury the message


@dataclass
class Allocation:
    created: int = 0
    updated: int = 0


class AllocationError(Exception):
    """Allocation refused; nothing was written. `problems` are for the user, one per line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def allocatable_villages(*, campaign: Campaign, user: User, region: Region | None) -> RegionQuerySet:
    """The villages a user may give quotas of a campaign to: inside the campaign's organizing region
    (a regency's money pays for its own villages) and the user's reach, under `region` (None: all)."""
    villages = Region.objects.for_user(user).villages().within(campaign.organizer)
    return villages.within(region) if region else villages


def _refuse_outside_organizer(campaign: Campaign, region: Region | None) -> None:
    organizer = campaign.organizer
    if region and not (region.code.startswith(organizer.code) or organizer.code.startswith(region.code)):
        raise AllocationError(
            [
                _(
                    "Quotas of this campaign lie inside %(organizer)s, which runs it; %(region)s is outside it."
                )
                % {"organizer": organizer.display_name, "region": region.display_name}
            ]
        )


def _refuse_below_filled(quotas, target: int) -> None:
    over = list(
        quotas.filter(filled__gt=target).select_related("village").order_by("village__code")[:MAX_NAMED]
    )
    if over:
        raise AllocationError([q.below_filled_message() for q in over])


@transaction.atomic
def quota_allocate(
    *, campaign: Campaign, user: User, region: Region | None, target: int, only_desa: bool = False
) -> Allocation:
    """Give every village under `region` (in the user's reach) a quota of `target` slots.

    Villages that already have a quota get the new target, unless that is below what is filled, in
    which case nothing at all changes and the villages are named.
    """
    _refuse_outside_organizer(campaign, region)
    villages = allocatable_villages(campaign=campaign, user=user, region=region)
    if only_desa:
        villages = villages.filter(kind__in=[Region.Kind.DESA, Region.Kind.DESA_ADAT])
    existing = Quota.objects.filter(campaign=campaign, village__in=villages)
    # One conditional UPDATE, as Quota.set_target does: an agent enrolling at this moment either
    # counts before it (and the village is named below) or waits for it; the check constraint never fires.
    changing = list(existing.exclude(target=target).filter(filled__lte=target).values_list("pk", flat=True))
    updated = Quota.objects.filter(pk__in=changing, filled__lte=target).update(target=target)
    _refuse_below_filled(existing, target)  # raising rolls the update back with the transaction
    have = set(existing.values_list("village_id", flat=True))
    new = [
        Quota(campaign=campaign, village_id=village_id, target=target)
        for village_id in villages.values_list("id", flat=True).iterator(chunk_size=BATCH_SIZE)
        if village_id not in have
    ]
    Quota.objects.bulk_create(new, batch_size=BATCH_SIZE)
    _record_history(Quota.objects.filter(pk__in=changing), user, update=True)
    _record_history(new, user, update=False)
    return Allocation(created=len(new), updated=updated)


def _record_history(quotas, user: User, *, update: bool) -> None:
    """Quotas are written in bulk (one statement for thousands of villages), which simple_history does
    not see: record who set each target here."""
    Quota.history.bulk_history_create(list(quotas), default_user=user, update=update, batch_size=BATCH_SIZE)


@dataclass
class _QuotaLine:
    line: int
    code: str
    target: int
    baseline: int | None


def _parse_quota_csv(text: str) -> tuple[list[_QuotaLine], LineProblems]:
    lines: list[_QuotaLine] = []
    problems, seen = LineProblems(), dict[str, int]()
    for number, cells in csv_lines(text):
        if isinstance(cells, CsvLineError):
            problems.add(number, _("the line cannot be read as CSV"))
            continue
        if not any(cells):
            continue
        if number == 1 and not cells[0][:1].isdigit():
            continue  # header line
        code = cells[0]
        if not is_valid_code(code) or len(cells) < 2:
            problems.add(
                number,
                _("expected village_code,target[,baseline], got %(text)r") % {"text": ",".join(cells)[:80]},
            )
            continue
        try:
            target = int(cells[1])
            baseline = int(cells[2]) if len(cells) > 2 and cells[2] else None
            if not 0 <= target <= MAX_TARGET or (baseline is not None and not 0 <= baseline <= MAX_TARGET):
                raise ValueError
        except ValueError:
            problems.add(
                number,
                _("target and baseline must be whole numbers from 0 to %(max)s")
                % {"max": number_format(MAX_TARGET, force_grouping=True)},
            )
            continue
        if code in seen:
            problems.add(
                number, _("%(code)s is already on line %(first)d") % {"code": code, "first": seen[code]}
            )
            continue
        seen[code] = number
        lines.append(_QuotaLine(number, code, target, baseline))
    return lines, problems


@transaction.atomic
def quota_import_csv(*, campaign: Campaign, user: User, text: str) -> Allocation:
    """Set quotas from `village_code,target[,baseline]` lines: all of them, or none when any is wrong."""
    lines, problems = _parse_quota_csv(text)
    villages = {
        v.code: v
        for v in allocatable_villages(campaign=campaign, user=user, region=None).filter(
            code__in=[x.code for x in lines]
        )
    }
    # Locked until the end of the transaction: the filled counts checked below cannot grow before the
    # new targets are written (an enrollment in these villages waits a moment).
    in_file = Quota.objects.select_for_update(of=("self",)).filter(
        campaign=campaign, village__in=villages.values()
    )
    quotas = {q.village.code: q for q in in_file.select_related("village")}
    for item in lines:
        village, quota = villages.get(item.code), quotas.get(item.code)
        if village is None:
            # The same words for an unknown code and one outside the area: existence is not leaked.
            problems.add(
                item.line,
                _("%(code)s is not a village in your area inside %(organizer)s")
                % {"code": item.code, "organizer": campaign.organizer.display_name},
            )
        elif quota and quota.filled > item.target:
            problems.add(item.line, quota.below_filled_message())
    if problems:
        raise AllocationError(problems.messages())

    changed, new = [], []
    for item in lines:
        quota = quotas.get(item.code)
        if quota is None:
            new.append(
                Quota(
                    campaign=campaign,
                    village=villages[item.code],
                    target=item.target,
                    baseline=item.baseline or 0,
                )
            )
        elif quota.target != item.target or (item.baseline is not None and quota.baseline != item.baseline):
            quota.target = item.target
            quota.baseline = quota.baseline if item.baseline is None else item.baseline
            changed.append(quota)
    Quota.objects.bulk_create(new, batch_size=BATCH_SIZE)
    Quota.objects.bulk_update(changed, ["target", "baseline"], batch_size=BATCH_SIZE)
    _record_history(changed, user, update=True)
    _record_history(new, user, update=False)
    return Allocation(created=len(new), updated=len(changed))
