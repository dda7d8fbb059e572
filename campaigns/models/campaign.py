"""Campaigns: their settings and status, who funds them, and the dated contribution rates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Sum, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from config.verdicts import Verdict
from regions.models import Region
from regions.reach import reach_q

if TYPE_CHECKING:
    from accounts.models import User

# DOMAIN.md: the usual minimum package for informal workers, JKK Rp 10,000 + JKM Rp 6,800 a month.
# Rates change (PP 50/2025), so this is only the default of a campaign setting.
DEFAULT_CONTRIBUTION = 16_800
# A village quota above this is a typo (the largest village programme known, Krajan's, aims at 1,000).
MAX_TARGET = 100_000


class Strictness(models.TextChoices):
    """How a campaign applies one of its rules of who it is for."""

    OFF = "off", _("Not applied")
    WARN = "warn", _("Warn the agent")
    REFUSE = "refuse", _("Refuse the entry")


def rule_field(label, default: str) -> models.CharField:
    """One of a campaign's rules of who it is for; the database's default too, for rows written
    without it."""
    return models.CharField(
        label, max_length=6, choices=Strictness.choices, default=default, db_default=default
    )


class CampaignError(Exception):
    """A campaign action that the rules refuse; the message is for the user."""


class CampaignQuerySet(models.QuerySet):
    def for_user(self, user: User) -> CampaignQuerySet:
        """Campaigns organized inside the user's reach or with a quota inside it.

        Agents do not see drafts: a draft is the officials' work in progress.
        """
        if user.is_superuser:
            return self.all()
        from .quota import Quota  # the quota module imports this one

        quotas_in_reach = Quota.objects.filter(reach_q(user, "village__code"), campaign=OuterRef("pk"))
        visible = self.filter(Q(reach_q(user, "organizer__code")) | Q(Exists(quotas_in_reach)))
        if not user.is_official:
            visible = visible.exclude(status=Campaign.Status.DRAFT)
        return visible

    def active(self) -> CampaignQuerySet:
        return self.filter(status=Campaign.Status.ACTIVE)

    def taking_entries(self, on: dt.date | None = None) -> CampaignQuerySet:
        """Active campaigns within their period on `on` (today): the ones agents can enroll into."""
        return self.filter(taking_entries_q(on))


def taking_entries_q(on: dt.date | None = None, prefix: str = "") -> Q:
    """The filter of campaigns taking entries (CampaignQuerySet.taking_entries), on the campaign's
    columns behind `prefix` ("campaign__" from a quota): as conditions on the quota's join to its
    campaign, not a sub-select of campaigns, the entry's read of its quota is a fifth cheaper to build
    (issue 25)."""
    on = on or timezone.localdate()
    return Q(
        **{
            f"{prefix}status": Campaign.Status.ACTIVE,
            f"{prefix}starts_on__lte": on,
            f"{prefix}ends_on__gte": on,
        }
    )


class Campaign(models.Model):
    """An enrollment programme run by a region, e.g. "1 Desa 100 Perlindungan 2025 — Jawa Barat"."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("short name for links"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    organizer = models.ForeignKey(
        Region,
        verbose_name=_("organizing region"),
        on_delete=models.PROTECT,
        related_name="campaigns",
        help_text=_("The province, regency/city or village that runs and pays for the campaign."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)

    covers_jkk = models.BooleanField(_("JKK (work accident)"), default=True)
    covers_jkm = models.BooleanField(_("JKM (death)"), default=True)
    covers_jht = models.BooleanField(_("JHT (old-age savings)"), default=False)
    coverage_months = models.PositiveSmallIntegerField(
        _("coverage months"), default=12, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    contribution_per_month = models.PositiveIntegerField(
        _("contribution per worker per month (Rp)"),
        default=DEFAULT_CONTRIBUTION,
        help_text=_("JKK Rp 10,000 + JKM Rp 6,800 = Rp 16,800 unless the rates of this campaign differ."),
    )
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=15)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), default=65)
    budget = models.PositiveBigIntegerField(_("total budget (Rp)"), default=0)
    bill_due_day = models.PositiveSmallIntegerField(
        _("bills due on day"),
        default=15,
        db_default=15,  # rows written without it (older code, raw loads) take the 15th too
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("The day of the month each payer's monthly bill is due."),
    )

    # Who the campaign is for (enrollment.eligibility applies them at entry, import and the offline
    # queue): each rule off, a warning to the agent, or a refusal, as the organizer chooses.
    residence_rule = rule_field(_("lives in the village's district (by the NIK)"), Strictness.WARN)
    overlap_rule = rule_field(_("not covered by another campaign for the same months"), Strictness.WARN)
    occupation_rule = rule_field(_("occupation"), Strictness.OFF)
    # Enrollment's Occupation codes. Nullable, with a database default too: rows written by code that
    # predates it (the migration tests' older states) leave it out on SQLite and PostgreSQL alike.
    occupations = models.JSONField(
        _("occupations"),
        default=list,
        db_default=Value([], output_field=models.JSONField()),
        null=True,
        blank=True,
    )
    occupations_excluded = models.BooleanField(
        _("the occupations chosen are excluded"), default=False, db_default=False
    )
    target_rule = rule_field(_("named on the area's target list"), Strictness.OFF)
    desil_rule = rule_field(_("welfare decile (desil) on the target list"), Strictness.OFF)
    max_desil = models.PositiveSmallIntegerField(
        _("highest decile (desil)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        constraints = [
            # The messages are what a user reads when a form (the admin's too) breaks the rule.
            models.CheckConstraint(
                condition=~Q(slug=""),
                name="campaigns_campaign_slug_not_empty",
                violation_error_message=_("A campaign needs a short name for its address."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="campaigns_campaign_period",
                violation_error_message=_("The campaign cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(coverage_months__gte=1, coverage_months__lte=12),
                name="campaigns_campaign_coverage_months",
                violation_error_message=_("A campaign covers 1 to 12 months."),
            ),
            models.CheckConstraint(
                condition=Q(min_age__lte=F("max_age")),
                name="campaigns_campaign_age_range",
                violation_error_message=_("The maximum age cannot be below the minimum age."),
            ),
            models.CheckConstraint(
                condition=Q(desil_rule=Strictness.OFF) | Q(max_desil__gte=1, max_desil__lte=10),
                name="campaigns_campaign_max_desil",
                violation_error_message=_("Give the highest decile, 1 to 10."),
            ),
            models.CheckConstraint(
                condition=Q(covers_jkk=True) | Q(covers_jkm=True) | Q(covers_jht=True),
                name="campaigns_campaign_some_program",
                violation_error_message=_("Choose at least one programme the campaign pays for."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    BADGES: dict[str, str] = {
        Status.ACTIVE: "text-bg-success",
        Status.DRAFT: "text-bg-warning",
        Status.CLOSED: "text-bg-secondary",
    }

    @property
    def badge(self) -> str:
        """The colour of its status badge, the same on every page."""
        return self.BADGES[self.status]

    @property
    def cost_per_worker(self) -> int:
        return self.cost_for(None)

    def cost_for(self, kind: str | None) -> int:
        """A worker's coverage from the campaign's first month, each month at the rate in force then
        for the funding kind (None: no source named; ContributionRate)."""
        first = month_of(self.starts_on)
        return sum(self.rate_for(add_months(first, n), kind) for n in range(self.coverage_months))

    def rate_for(self, month: dt.date, kind: str | None = None) -> int:
        """The monthly contribution per worker in force in `month` for a funding kind (ContributionRate)."""
        if not hasattr(self, "_rates"):
            self._rates = list(self.rates.all())
        return rate_in_force(self._rates, self.contribution_per_month, month_of(month), kind)

    @property
    def programs(self) -> list[str]:
        return [
            name
            for name, on in (("JKK", self.covers_jkk), ("JKM", self.covers_jkm), ("JHT", self.covers_jht))
            if on
        ]

    def can_change(self, user: User) -> Verdict:
        """Settings, status and funding belong to officials whose reach holds the organizing region."""
        return Verdict.when(
            user.acts_as_official and user.reaches(self.organizer),
            _("Only officials over the organizing region change this campaign."),
        )

    def can_change_quotas(self, user: User) -> bool:
        """Any official while the campaign is open; which quotas is their reach (Quota.objects.for_user)."""
        return self.status != self.Status.CLOSED and user.acts_as_official

    def entry_problem(self, on: dt.date) -> str | Promise | None:
        """Why no enrollment can be entered on `on`, or None: not active, not started, or ended."""
        if self.status != self.Status.ACTIVE:
            return _("The campaign is not active: no enrollments can be entered.")
        if on < self.starts_on:
            return _("The campaign starts on %(date)s; enrollments open then.") % {
                "date": date_format(self.starts_on)
            }
        if on > self.ends_on:
            return _("The campaign ended on %(date)s; no enrollments can be entered.") % {
                "date": date_format(self.ends_on)
            }
        return None

    @property
    def committed(self) -> int:
        """What the allocated slots cost: targets x contribution x months (Rp)."""
        return (self.quotas.aggregate(total=Sum("target"))["total"] or 0) * self.cost_per_worker

    def can_activate(self, user: User) -> Verdict:
        return self.can_change(user) and Verdict.when(
            self.status == self.Status.DRAFT, _("Only a draft campaign can be activated.")
        )

    def can_close(self, user: User) -> Verdict:
        return self.can_change(user) and Verdict.when(
            self.status == self.Status.ACTIVE, _("Only an active campaign can be closed.")
        )

    def activate(self, *, by: User) -> None:
        if not (verdict := self.can_activate(by)):
            raise CampaignError(verdict.reason)
        if not self.quotas.exists():
            raise CampaignError(_("Allocate at least one village quota before activating the campaign."))
        self.status, self.activated_by, self.activated_at = self.Status.ACTIVE, by, timezone.now()
        self.save(update_fields=["status", "activated_by", "activated_at"])

    def close(self, *, by: User) -> None:
        """Closing stops new enrollments; what was enrolled stays."""
        if not (verdict := self.can_close(by)):
            raise CampaignError(verdict.reason)
        self.status, self.closed_by, self.closed_at = self.Status.CLOSED, by, timezone.now()
        self.save(update_fields=["status", "closed_by", "closed_at"])


class FundingSource(models.Model):
    """Who pays: the regional budget, a village budget, a company's CSR, the workers themselves."""

    class Kind(models.TextChoices):
        APBD_PROVINCE = "apbd_province", _("APBD provinsi")
        APBD_REGENCY = "apbd_regency", _("APBD kabupaten/kota")
        VILLAGE = "village", _("APB Desa/Nagari or ADD")
        CSR = "csr", _("Company CSR")
        SELF = "self", _("Self-paid")
        OTHER = "other", _("Other")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="funding_sources"
    )
    name = models.CharField(_("name"), max_length=200, help_text=_('e.g. "CSR PT Taekwang"'))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    amount = models.PositiveBigIntegerField(_("amount (Rp)"), null=True, blank=True)
    workers = models.PositiveIntegerField(_("workers paid for"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name

    def is_used(self) -> bool:
        """Enrollments name this source as their payer (the enrollment app's reverse relation)."""
        return self.enrollment_set.exists()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 Jan + 1 = 28 Feb)."""
    return day + relativedelta(months=months)


def month_of(day: dt.date) -> dt.date:
    """The month a day falls in, as its first day: months are stored as dates (2026-03-01)."""
    return day.replace(day=1)


class ContributionRate(models.Model):
    """A line of the campaign's rate schedule: from this month on, the monthly contribution per worker
    (for one funding kind, or for all). Rates change (PP 50/2025 halves JKK and JKM for BPU workers in
    2026, except where APBN/APBD pays), so they are data with dates, never code."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="rates"
    )
    starts_on = models.DateField(_("from the month of"), help_text=_("The rate applies from this month on."))
    funding_kind = models.CharField(
        _("paid from"),
        max_length=20,
        choices=FundingSource.Kind.choices,
        blank=True,
        help_text=_("Leave empty for every funding kind."),
    )
    amount = models.PositiveIntegerField(_("contribution per worker per month (Rp)"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution rate")
        verbose_name_plural = _("contribution rates")
        ordering = ["starts_on", "funding_kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "starts_on", "funding_kind"],
                name="campaigns_contributionrate_one_per_month_and_kind",
                violation_error_message=_("This month already has a rate for that funding kind."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__day=1), name="campaigns_contributionrate_starts_with_a_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.starts_on:%Y-%m} {self.funding_kind or '*'}: {self.amount}"


def rate_in_force(rates: list[ContributionRate], default: int, month: dt.date, kind: str | None) -> int:
    """The rate for `month` and funding kind `kind` (None: no source named) from a campaign's schedule:
    of the lines started by that month that apply to the kind (its own, or every kind's), the latest
    wins, and the kind's own on a tie. Before any line, the campaign's contribution per month."""
    applying = [rate for rate in rates if rate.starts_on <= month and rate.funding_kind in ("", kind or "")]
    if not applying:
        return default
    return max(applying, key=lambda rate: (rate.starts_on, rate.funding_kind != "")).amount
