"""Village quotas: each village's target and its counters, kept in the transaction of every change."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, NamedTuple

from django.core.validators import MaxValueValidator
from django.db import connection, models
from django.db.models import F, FloatField, Q, Sum
from django.db.models.functions import Cast, NullIf
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.history import record_by
from config.verdicts import YES, Verdict
from regions.models import Region
from regions.reach import reach_q

if TYPE_CHECKING:
    from accounts.models import User

from .campaign import MAX_TARGET, Campaign, CampaignError, taking_entries_q


@dataclass
class QuotaSums:
    """What a roll-up of quotas adds up (Quota.rollup), each an int: 0 where nothing was summed.
    tests/campaigns/test_allocation.py holds its fields to Quota.rollup's names."""

    villages: int = 0
    target: int = 0
    filled: int = 0
    baseline: int = 0
    reserve_count: int = 0
    registered_count: int = 0
    verified_count: int = 0
    active_count: int = 0
    rejected_count: int = 0
    cancelled_count: int = 0
    signed: int = 0
    district_approved: int = 0
    regency_approved: int = 0

    @classmethod
    def of(cls, values: Mapping[str, int | None]) -> QuotaSums:
        return cls(**{f.name: values.get(f.name) or 0 for f in fields(QuotaSums)})

    def figures(self) -> dict[str, int]:
        """The sums alone (without what a subclass adds), to build another roll-up from."""
        return {f.name: getattr(self, f.name) for f in fields(QuotaSums)}

    @classmethod
    def total(cls, many: Iterable[QuotaSums]) -> QuotaSums:
        many = list(many)
        return cls(**{f.name: sum(getattr(one, f.name) for one in many) for f in fields(QuotaSums)})


class Fill(NamedTuple):
    """A quota's slots as a counter move left them."""

    filled: int
    target: int


# A village's share of its target filled. The same expression is indexed (Quota.Meta.indexes), so
# "the villages furthest behind" reads a few index entries instead of sorting 83,762 quotas.
FILL_SHARE = Cast(F("filled"), FloatField()) / NullIf(F("target"), 0)


class QuotaQuerySet(models.QuerySet):
    def open_for(self, user: User) -> QuotaQuerySet:
        """The village quotas the user can enroll into: campaigns taking entries, villages in reach."""
        return (
            self.for_user(user)
            .filter(taking_entries_q(prefix="campaign__"))
            .select_related("campaign", "village__parent")
            .order_by("campaign__name", "village__code")
        )

    def for_user(self, user: User) -> QuotaQuerySet:
        return self.filter(reach_q(user, "village__code"))

    def within(self, region: Region) -> QuotaQuerySet:
        return self.filter(village__code__startswith=region.code)

    def with_fill(self) -> QuotaQuerySet:
        return self.annotate(fill=FILL_SHARE)

    def lagging(self, below_percent: int, limit: int = 10) -> list[Quota]:
        """The villages furthest behind: the lowest share of their target filled, under `below_percent`."""
        return list(
            self.with_fill()
            .filter(fill__lt=below_percent / 100)
            .select_related("village__parent")
            .order_by("fill", "village_id")[:limit]
        )

    def totals(self) -> QuotaSums:
        """Villages, target, filled, baseline, the count of each status and of each sign-off, in one query."""
        return QuotaSums.of(self.aggregate(**Quota.rollup()))

    def sums_by_campaign(self) -> dict[int, QuotaSums]:
        """Target, filled, baseline and the status counters of these quotas, per campaign, in one
        query: filter by reach and campaigns first, so only the user's villages are read."""
        rows = self.order_by().values("campaign").annotate(**{name: Sum(name) for name in Quota.SUMMED})
        return {row["campaign"]: QuotaSums.of(row) for row in rows}

    def count_move(
        self, *, campaign_id: int, village_id: int, old: str | None, new: str | None, slot: int = 0
    ) -> Fill | None:
        """Move one enrollment from status `old` to `new` (None: it did not exist) in its quota's counters.

        One UPDATE, in the caller's transaction, so the counters change with the enrollment or not at
        all (invariant 5). `slot=1` also takes a slot, and only while one is free (`filled < target`):
        None means the village is full and nothing changed (invariant 1). `slot=-1` gives one back.
        The quota's fill after the move comes back with it (RETURNING), so the entry's "53 of 100
        filled" costs no second read. Raw SQL: the ORM's update() returns only a row count.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                *self.count_move_sql(
                    campaign_id=campaign_id, village_id=village_id, old=old, new=new, slot=slot
                )
            )
            row = cursor.fetchone()
        return Fill(*row) if row else None

    def count_move_sql(
        self, *, campaign_id: int, village_id: int, old: str | None, new: str | None, slot: int = 0
    ) -> tuple[str, list]:
        """count_move's UPDATE ... RETURNING "filled", "target", and its parameters, for a caller
        that runs it inside a statement of its own (the entry's insert: fast_insert.insert_one)."""
        table, quoted = self.model._meta.db_table, connection.ops.quote_name
        changes = []
        for status, step in ((old, "- 1"), (new, "+ 1")):
            if status:
                column = f"{status}_count"
                if column not in Quota.COUNTERS:  # a status has its counter: nothing else is spliced in
                    raise ValueError(f"not an enrollment status: {status!r}")
                changes.append(f'"{column}" = "{column}" {step}')
        if slot:
            changes.append(f'"filled" = "filled" + {int(slot)}')
        full = ' AND "filled" < "target"' if slot > 0 else ""
        return (
            f"UPDATE {quoted(table)} SET {', '.join(changes)} "
            f'WHERE "campaign_id" = %s AND "village_id" = %s{full} RETURNING "filled", "target"',
            [campaign_id, village_id],
        )

    def take_many(self, wanted: dict[int, int], *, reserve_if_full: bool) -> dict[int, int] | None:
        """Take up to `wanted[quota_id]` slots in each quota, as registered; the rest go on the reserve
        list when `reserve_if_full`. Returns the slots taken per quota, or None when another writer
        changed a quota in between (only SQLite, which has no row locks): nothing was moved then.

        The quota rows are locked in a fixed order (no deadlock between two imports), then moved by one
        UPDATE that can never take one past its target (invariant 1): raw SQL over a VALUES list, as the
        ORM's CASE over a chunk's 200 villages took longer to build than to run (bench/import_commit.py).
        """
        taken: dict[int, int] = {}
        reserved: dict[int, int] = {}
        locked = self.select_for_update().filter(pk__in=wanted).order_by("pk")
        for pk, filled, target in locked.values_list("pk", "filled", "target"):
            taken[pk] = max(0, min(wanted[pk], target - filled))
            reserved[pk] = wanted[pk] - taken[pk] if reserve_if_full else 0
        if not taken:
            return {}
        table = connection.ops.quote_name(self.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET filled = filled + v.column2, registered_count = registered_count + v.column2,"
                " reserve_count = reserve_count + v.column3"
                f" FROM (VALUES {', '.join(['(%s, %s, %s)'] * len(taken))}) AS v"
                f" WHERE {table}.id = v.column1 AND {table}.filled + v.column2 <= {table}.target",
                [value for pk in taken for value in (pk, taken[pk], reserved[pk])],
            )
            moved = cursor.rowcount
        return taken if moved == len(taken) else None


class Quota(models.Model):
    """One campaign's slots in one village. `filled` is changed only by atomic conditional updates."""

    class Signoff(models.IntegerChoices):
        """How far the village's list of enrolled workers is signed off, level by level (DHIS2's data
        approval): the village head signs it, then the district approves it, then the regency."""

        OPEN = 0, _("Not signed")
        SIGNED = 1, _("Signed by the village head")
        DISTRICT = 2, _("Approved by the district")
        REGENCY = 3, _("Approved by the regency")

    # The level of the regions whose users take each step (Region.Level: 4 village … 2 regency).
    SIGNOFF_LEVEL: dict[int, int] = {
        Signoff.SIGNED: Region.Level.VILLAGE,
        Signoff.DISTRICT: Region.Level.DISTRICT,
        Signoff.REGENCY: Region.Level.REGENCY,
    }

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="quotas"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="quotas"
    )
    target = models.PositiveIntegerField(_("target"), validators=[MaxValueValidator(MAX_TARGET)])
    filled = models.PositiveIntegerField(_("filled"), default=0)
    baseline = models.PositiveIntegerField(
        _("covered before"),
        default=0,
        validators=[MaxValueValidator(MAX_TARGET)],
        help_text=_("Workers already covered in the village before the campaign."),
    )
    # One counter per enrollment status, moved by `count_move` in the transaction of every status
    # change, so dashboards add up quota rows instead of counting millions of enrollments.
    # `check_integrity` compares them with the enrollments.
    reserve_count = models.PositiveIntegerField(_("on the reserve list"), default=0)
    registered_count = models.PositiveIntegerField(_("registered"), default=0)
    verified_count = models.PositiveIntegerField(_("verified"), default=0)
    active_count = models.PositiveIntegerField(_("active"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    cancelled_count = models.PositiveIntegerField(_("cancelled"), default=0)

    # Changed only by the sign-off steps (reports.services), each recorded with who, when and why.
    signoff = models.PositiveSmallIntegerField(_("sign-off"), choices=Signoff.choices, default=Signoff.OPEN)

    COUNTERS = (
        "reserve_count",
        "registered_count",
        "verified_count",
        "active_count",
        "rejected_count",
        "cancelled_count",
    )
    SUMMED = ("target", "filled", "baseline", *COUNTERS)
    # Villages counted at each sign-off stage or beyond: "signed" counts the approved ones too.
    SIGNOFF_COUNTS = {
        "signed": Signoff.SIGNED,
        "district_approved": Signoff.DISTRICT,
        "regency_approved": Signoff.REGENCY,
    }

    objects = QuotaQuerySet.as_manager()
    # Who changed a target or baseline, and when. `filled` moves with every enrollment and is counted
    # by the enrollments themselves, so it stays out of the history; sign-off steps have their own record.
    history = HistoricalRecords(excluded_fields=["filled", "signoff", *COUNTERS])

    class Meta:
        verbose_name = _("village quota")
        verbose_name_plural = _("village quotas")
        ordering = ["village__code"]
        indexes = [models.Index(F("campaign"), FILL_SHARE, F("village"), name="campaigns_quota_fill")]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "village"], name="campaigns_quota_one_per_village"),
            models.CheckConstraint(
                condition=Q(filled__gte=0) & Q(filled__lte=F("target")),
                name="campaigns_quota_filled_within_target",
            ),
            # A slot is held by a registered, verified or active enrollment, and by nothing else.
            models.CheckConstraint(
                condition=Q(filled=F("registered_count") + F("verified_count") + F("active_count")),
                name="campaigns_quota_filled_is_slot_holders",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village.name}: {self.filled}/{self.target}"

    @classmethod
    def rollup(cls) -> dict[str, models.Aggregate]:
        """What a roll-up of quotas adds up: villages, the summed fields, the villages at each sign-off."""
        return {
            "villages": models.Count("pk"),
            **{name: Sum(name) for name in cls.SUMMED},
            **{
                name: models.Count("pk", filter=Q(signoff__gte=stage))
                for name, stage in cls.SIGNOFF_COUNTS.items()
            },
        }

    def set_target(self, *, target: int, baseline: int, by: User) -> None:
        """Change target and baseline in one conditional update, so a concurrent enrollment can never
        leave the village with more filled than its target."""
        changed = Quota.objects.filter(pk=self.pk, filled__lte=target).update(
            target=target, baseline=baseline
        )
        self.refresh_from_db(fields=["target", "filled", "baseline"])
        if not changed:
            raise CampaignError(self.below_filled_message())
        Quota.history.bulk_history_create([self], default_user=by, update=True)

    def remove(self, *, by: User) -> None:
        """Take back a mistaken quota. One that anybody was ever enrolled into (even on the reserve
        list, even cancelled) stays: it is the record of where those enrollments belong."""
        if any(getattr(self, counter) for counter in self.COUNTERS):
            raise CampaignError(
                _("%(village)s has enrollments in this campaign; its quota cannot be removed.")
                % {"village": self.village.display_name}
            )
        record_by(self, by)
        try:
            self.delete()
        except models.ProtectedError:  # a record points at it (a sign-off step): it stays, as above
            raise CampaignError(
                _("%(village)s has a sign-off record in this campaign; its quota cannot be removed.")
                % {"village": self.village.display_name}
            ) from None

    def below_filled_message(self) -> str:
        return _("%(village)s already has %(filled)s enrolled; its target cannot go below that.") % {
            "village": self.village.display_name,
            "filled": self.filled,
        }

    @property
    def left(self) -> int:
        return self.target - self.filled

    # Sign-off. Once a level has signed or approved the village's list, the users at that level and
    # below may not add to it, correct it or take anyone off it until that level reopens it: what an
    # approver signed never changes under their signature. Verifying, activating and recording the
    # card stay open: they record what happened to the workers on the signed list.

    def locks_out(self, user: User) -> bool:
        """The list is signed off at the user's level or above theirs, so they may not change it."""
        if self.signoff == self.Signoff.OPEN:
            return False
        level = user.level_over(self.village)
        return level is None or level >= self.SIGNOFF_LEVEL[self.signoff]

    def unlocked_for(self, user: User) -> Verdict:
        """Yes unless the list is signed off at the user's level or above; no with what that means."""
        return Verdict.no(self.lock_message()) if self.locks_out(user) else YES

    def lock_message(self) -> str:
        """What the list's sign-off means for changing it, and who can reopen it, in plain words."""
        reopeners: dict[int, str | Promise] = {
            self.Signoff.SIGNED: _("the village's agent or an official of its district or regency"),
            self.Signoff.DISTRICT: _("an official of its district or regency"),
            self.Signoff.REGENCY: _("an official of its regency"),
        }
        return _(
            "The list of %(village)s is %(signoff)s: nobody can be added to it, corrected or taken off "
            "it until %(who)s reopens it."
        ) % {
            "village": self.village.display_name,
            "signoff": self.get_signoff_display().lower(),
            "who": reopeners.get(self.signoff, ""),
        }

    def acts_at(self, user: User, stage: int) -> bool:
        """The user may take the step to `stage` for this village: in reach, at that step's level or
        above it (a regency official may approve for a district that has no official of its own).
        Approving is officials' work; the village head's signature is recorded by its agent too."""
        level = user.level_over(self.village)
        if level is None or level > self.SIGNOFF_LEVEL[stage]:
            return False
        return stage == self.Signoff.SIGNED or user.acts_as_official

    @property
    def next_signoff(self) -> int | None:
        return self.signoff + 1 if self.signoff < self.Signoff.REGENCY else None

    def can_sign_off(self, user: User) -> bool:
        """The next step (sign, then approve at district, then regency) is the user's to take."""
        stage = self.next_signoff
        return (
            stage is not None and self.campaign.status != Campaign.Status.DRAFT and self.acts_at(user, stage)
        )

    def can_reopen(self, user: User) -> bool:
        """The last step is undone by its level (or one above it), with a reason."""
        return self.signoff != self.Signoff.OPEN and self.acts_at(user, self.signoff)

    @property
    def percent(self) -> int:
        return round(100 * self.filled / self.target) if self.target else 0
