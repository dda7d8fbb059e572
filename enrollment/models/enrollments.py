"""Enrollments: a worker in a campaign's village quota, its status, cover, checks and who may act on it."""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Value
from django.db.models.functions import Left, Replace, Substr
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign, FundingSource, Quota, add_months
from config.verdicts import YES, Verdict
from regions.models import Region
from regions.reach import reach_q, village_reach_q

from ..lapse import paid_through_q, state_for, unpaid_months
from .choices import (
    BADGES,
    CORRECTABLE,
    COVER_ENDED,
    OCCUPATION_LABELS,
    OPEN,
    REJECTABLE,
    RENEW_WITHIN_DAYS,
    SHOWN_STATUS_LABELS,
    SLOT_HOLDING,
    Occupation,
    Status,
    shown_status,
)
from .people import Erasure, Heir, Worker

# A declared income the column holds (PositiveBigIntegerField); Rp 1 trillion a month is a typo anyway.
MAX_INCOME = 999_999_999_999

if TYPE_CHECKING:
    from accounts.models import User


def overlap_q(starts_on, ends_on) -> Q:
    """Enrollments whose cover overlaps the period from `starts_on` to `ends_on` (dates or OuterRefs)."""
    return Q(status=Enrollment.Status.ACTIVE, coverage_starts__lte=ends_on, coverage_ends__gt=starts_on) | Q(
        status__in=(Enrollment.Status.REGISTERED, Enrollment.Status.VERIFIED),
        campaign__starts_on__lte=ends_on,
        campaign__ends_on__gte=starts_on,
    )


def overlapping_others() -> EnrollmentQuerySet:
    """For an enrollment outside (OuterRef): the worker's other slot-holding enrollments whose cover
    overlaps its campaign's period."""
    return (
        Enrollment.objects.filter(worker=OuterRef("worker"), status__in=Enrollment.SLOT_HOLDING)
        .exclude(campaign=OuterRef("campaign"))
        .filter(overlap_q(OuterRef("campaign__starts_on"), OuterRef("campaign__ends_on")))
    )


def open_renewals_of(enrollment: int | OuterRef) -> models.QuerySet[Enrollment]:
    """The open enrollments that renew `enrollment` (an id, or OuterRef("pk") in a list): one
    question behind `Enrollment.is_renewed` and the `renewed` of `due_for_renewal`."""
    return Enrollment.objects.filter(renewed_from=enrollment, status__in=Enrollment.OPEN)


class EnrollmentQuerySet(models.QuerySet):
    def for_user(self, user: User) -> EnrollmentQuerySet:
        return self.filter(reach_q(user, "village__code"))

    def for_user_by_villages(self, user: User) -> EnrollmentQuerySet:
        """The same reach as `for_user`, in the shape PostgreSQL plans best: a small area's village
        ids, a large one's code prefix (regions.reach.village_reach_q says why)."""
        return self.filter(village_reach_q(user))

    def in_shown_status(self, status: str, today: dt.date) -> EnrollmentQuerySet:
        """Those shown with this status today (shown_status): "active" leaves out ended cover."""
        active = Enrollment.Status.ACTIVE
        if status == COVER_ENDED:
            return self.filter(status=active, coverage_ends__lte=today)
        if status == active:
            return self.filter(Q(coverage_ends__gt=today) | Q(coverage_ends__isnull=True), status=active)
        return self.filter(status=status)

    def due_for_renewal(self, today: dt.date) -> EnrollmentQuerySet:
        """Active cover that ends within RENEW_WITHIN_DAYS or has ended, in a campaign not closed, each
        with `renewed` (renewed into another campaign already). Ended cover stays until it is renewed
        or its campaign is closed: the day it ends is when a village needs the list most."""
        return (
            self.filter(
                status=Enrollment.Status.ACTIVE,
                coverage_ends__lte=today + dt.timedelta(days=RENEW_WITHIN_DAYS),
            )
            .exclude(campaign__status=Campaign.Status.CLOSED)
            .annotate(renewed=Exists(open_renewals_of(OuterRef("pk"))))
            .filter(Q(coverage_ends__gt=today) | Q(renewed=False))
        )

    def open_in(self, campaign: Campaign | int) -> EnrollmentQuerySet:
        """Those open in the campaign (reserve to active): a worker is in a campaign at most once
        (enrollment_enrollment_once_per_campaign), and this is the one question that asks it."""
        return self.filter(campaign=campaign, status__in=Enrollment.OPEN)

    def holding_slots(self) -> EnrollmentQuerySet:
        return self.filter(status__in=Enrollment.SLOT_HOLDING)

    def latest_declaration_of(self, nik: str) -> Enrollment | None:
        """The latest enrollment of this NIK among these (scope first), with its current heirs, or None."""
        latest = (
            self.filter(worker__nik=nik, erasure__isnull=True)
            .select_related("campaign", "village")
            .prefetch_related(models.Prefetch("heirs", Heir.objects.current()))
            .order_by("-entered_at", "-pk")
            .first()
        )
        return cast("Enrollment | None", latest)  # django-stubs reads a custom QuerySet's rows as _Row

    def nik_from_other_district(self) -> EnrollmentQuerySet:
        """Workers whose NIK was issued outside their village's district (moved, or a mistyped NIK)."""
        nik_district = Substr("worker__nik", 1, 6)
        village_district = Replace(Left("village__code", 8), Value("."), Value(""))
        return (
            self.alias(nik_district=nik_district, village_district=village_district)
            .exclude(nik_district=F("village_district"))
            .filter(worker__nik__isnull=False)
        )

    def covering(self, today: dt.date) -> EnrollmentQuerySet:
        """Active enrollments whose coverage runs into this month or later: those whose payments are due."""
        return self.filter(status=Enrollment.Status.ACTIVE, coverage_ends__gte=today.replace(day=1))

    def behind(self, today: dt.date) -> EnrollmentQuerySet:
        """Covering enrollments with at least one full month unpaid: lapsing, at risk or lapsed."""
        return self.covering(today).filter(paid_through__lt=add_months(today.replace(day=1), -1))

    def in_coverage_state(self, state: str, today: dt.date) -> EnrollmentQuerySet:
        """Covering enrollments in this contribution state (enrollment.lapse, the one lapse rule)."""
        return self.covering(today).filter(paid_through_q(state, today))

    def overlapping(self, campaign: Campaign) -> EnrollmentQuerySet:
        """Slot-holding enrollments in other campaigns whose cover overlaps `campaign`'s period: the
        coverage dates once active, the campaign's period before. Two budgets paying for one worker
        (Kudus and Penajam Paser Utara warn their villages about it)."""
        return (
            self.holding_slots()
            .exclude(campaign=campaign)
            .filter(overlap_q(campaign.starts_on, campaign.ends_on))
        )

    def with_overlap(self) -> EnrollmentQuerySet:
        """Each enrollment with `overlap`: whether the worker has another slot-holding enrollment whose
        cover overlaps this one's campaign period (a flag for the official to decide on)."""
        return self.annotate(overlap=Exists(overlapping_others()))

    def reserves(self) -> EnrollmentQuerySet:
        """The reserve list (cadangan), first entered first."""
        return self.filter(status=Enrollment.Status.RESERVE).order_by("entered_at", "pk")


def _done_by(verbose_name) -> models.ForeignKey:
    """Who took a step (verified, activated, closed, collected consent): never looked up from."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=verbose_name, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", db_index=False,
    )  # fmt: skip


class Enrollment(models.Model):
    """A worker in a campaign at a village: registered → verified → active, or rejected/cancelled."""

    Status = Status
    Occupation = Occupation

    SLOT_HOLDING, OPEN, CORRECTABLE, REJECTABLE = SLOT_HOLDING, OPEN, CORRECTABLE, REJECTABLE
    # What the worker declares at a sign-up: typed into the entry form, then the health declaration
    # (a tick box); and of it what identifies them.
    TYPED = ("full_name", "phone", "address", "occupation", "occupation_other", "monthly_income", "kk_number")
    REMINDED_BY = ("remind_by_sms", "remind_by_whatsapp")  # the worker's consent, channel by channel
    DECLARED = (*TYPED, *REMINDED_BY, "declared_not_hospitalised")
    IDENTIFYING = {  # blanked by an erasure; an erased worker is not contacted either
        "full_name": "", "phone": "", "address": "", "kk_number": "",
        "remind_by_sms": False, "remind_by_whatsapp": False,
    }  # fmt: skip

    # Indexes: only where a read needs one (issue 25's index diet). campaign and village lead the
    # composite indexes below, which serve their lookups; the users who verified, activated or closed
    # an entry, collected consent, and the funding source are never looked up from (users are
    # deactivated, not deleted); the renewal and the erasure are indexed where set (Meta.indexes).
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="enrollments",
        db_index=False,
    )  # fmt: skip
    # The quota's village, which is also the village the worker declared living in.
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="enrollments",
        db_index=False,
    )  # fmt: skip
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="enrollments"
    )
    renewed_from = models.ForeignKey(
        "self",
        verbose_name=_("renewal of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewals",
        db_index=False,
    )

    # What the worker declared at this sign-up. It belongs to this enrollment and to the area that
    # collected it: a later sign-up elsewhere records its own and never changes or sees this one.
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices)
    occupation_other = models.CharField(_("other occupation"), max_length=100, blank=True)
    monthly_income = models.PositiveBigIntegerField(_("declared monthly income (Rp)"))
    kk_number = models.CharField(_("family card (KK) number"), max_length=16, blank=True)
    declared_not_hospitalised = models.BooleanField(_("declared not in hospital"), default=False)
    # Reminders that their cover lapses go to the worker only on a channel they agreed to (asked at
    # entry, changed on their page at any time); the payer is told in any case.
    remind_by_sms = models.BooleanField(_("reminders by SMS"), default=False, db_default=False)
    remind_by_whatsapp = models.BooleanField(_("reminders by WhatsApp"), default=False, db_default=False)
    # Consent is for this enrollment's campaign, collected by an agent or official at one moment.
    consent_given_at = models.DateTimeField(_("consent given at"))
    consent_collected_by = _done_by(_("consent collected by"))
    erasure = models.ForeignKey(
        Erasure,
        verbose_name=_("personal data erased"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enrollments",
        db_index=False,
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, null=True, blank=True,
        db_index=False,
    )  # fmt: skip
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    verified_by = _done_by(_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    activated_by = _done_by(_("activated by"))
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    coverage_starts = models.DateField(_("coverage starts"), null=True, blank=True)
    coverage_ends = models.DateField(_("coverage ends"), null=True, blank=True)
    card_handed_over_on = models.DateField(_("card handed over on"), null=True, blank=True)
    # The last month paid without a gap since coverage started (its first day); the month before
    # coverage starts until a payment comes. Kept by the contribution services (coverage app), so that
    # lapsing lists and counts read one indexed column instead of every payment.
    paid_through = models.DateField(_("paid through"), null=True, blank=True)
    closed_by = _done_by(_("rejected or cancelled by"))
    closed_at = models.DateTimeField(_("rejected or cancelled at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    # Made in the agent's browser for one worker's entry and sent with every try (a double tap, a
    # retry after a timeout, the offline queue): the same key twice is the same entry (invariant 6).
    entry_key = models.UUIDField(_("entry key"), null=True, blank=True, editable=False)

    # The history is read by enrollment (its id), by date and by who changed it: simple-history's
    # copies of the other foreign keys' indexes served no read and were written on every change.
    history = HistoricalRecords(
        excluded_fields=["entry_key"],
        no_db_index=[
            "campaign", "village", "worker", "renewed_from", "consent_collected_by", "erasure",
            "funding_source", "entered_by", "verified_by", "activated_by", "closed_by",
        ],
    )  # fmt: skip
    objects = EnrollmentQuerySet.as_manager()
    replayed = False  # set by enrollment_register when the entry key had been sent before

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["-entered_at", "-pk"]
        constraints = [
            # Invariant 2: once per campaign. A rejected or cancelled entry may be entered again.
            models.UniqueConstraint(
                fields=["worker", "campaign"],
                condition=Q(status__in=["reserve", "registered", "verified", "active"]),
                name="enrollment_enrollment_once_per_campaign",
            ),
            models.UniqueConstraint(
                fields=["entered_by", "entry_key"],
                condition=Q(entry_key__isnull=False),
                name="enrollment_enrollment_entry_key_once",
            ),
            # The KPJ itself is the worker's (one number, one person); the services set it on activation.
            models.CheckConstraint(
                condition=~Q(status="active") | Q(coverage_starts__isnull=False),
                name="enrollment_enrollment_active_has_coverage",
            ),
            models.CheckConstraint(
                condition=Q(kk_number="") | Q(kk_number__regex=r"^[0-9]{16}$"),
                name="enrollment_enrollment_kk_16_digits",
                violation_error_message=_("A family card (KK) number has 16 digits."),
            ),
            models.CheckConstraint(
                condition=~Q(occupation="other") | ~Q(occupation_other=""),
                name="enrollment_enrollment_other_named",
                violation_error_message=_("Name the occupation."),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["rejected", "cancelled"]) | ~Q(reason=""),
                name="enrollment_enrollment_closed_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "village", "status"], name="enrollment_campaign_village"),
            models.Index(fields=["status", "entered_at"], name="enrollment_status_entered"),
            models.Index(fields=["coverage_ends"], name="enrollment_coverage_ends"),
            # The ids of an area's enrollments, newest first, from the index alone (the lists' keyset).
            models.Index(fields=["village", "id"], name="enrollment_village_id"),
            # Coverage lapsing, at risk or lapsed: active enrollments by their paid-through month.
            # With the id, so "oldest debt first" pages through the index without sorting the
            # hundreds of thousands that share a paid-through month (bench/RESULTS.md).
            models.Index(fields=["status", "paid_through", "id"], name="enrollment_status_paid"),
            # The same for an area: its villages' active workers by paid-through month.
            models.Index(fields=["village", "status", "paid_through"], name="enrollment_village_paid"),
            # The lists by occupation, newest first: a rare one walked the table from the newest id (0.9 s).
            models.Index(fields=["occupation", "id"], name="enrollment_occupation_id"),
            # Set on a few rows only: the renewals of an enrollment (open_renewals_of), and an
            # erasure's enrollments (the admin's record of it).
            models.Index(
                fields=["renewed_from"],
                condition=Q(renewed_from__isnull=False),
                name="enrollment_renewed_from",
            ),
            models.Index(fields=["erasure"], condition=Q(erasure__isnull=False), name="enrollment_erased"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} — {self.campaign}"

    @property
    def display_name(self) -> str:
        return gettext("(personal data erased)") if self.erasure_id else self.full_name

    @property
    def occupation_label(self) -> str:
        if self.occupation == self.Occupation.OTHER:
            return self.occupation_other
        return str(OCCUPATION_LABELS.get(self.occupation, self.occupation))  # not rebuilt per row

    @property
    def nik_from_other_district(self) -> bool:
        """The NIK was issued outside the village's district: worth a look before verifying."""
        nik = self.worker.nik
        return nik is not None and nik[:6] != self.village.code[:8].replace(".", "")

    BADGES = BADGES

    @property
    def shown_status(self) -> str:
        return shown_status(self.status, self.coverage_ends, timezone.localdate())

    @property
    def shown_status_label(self) -> str:
        return str(SHOWN_STATUS_LABELS[self.shown_status])

    @property
    def badge(self) -> str:
        """The colour of its status badge."""
        return self.BADGES.get(self.shown_status, "text-bg-secondary")

    @property
    def status_badge(self) -> str:
        """The status as a badge: drawn here rather than by a template include per row of a list."""
        return format_html('<span class="badge {}">{}</span>', self.badge, self.shown_status_label)

    def coverage_state(self, today: dt.date) -> str | None:
        """Paid up, lapsing, at risk or lapsed, for an active enrollment still covering; else None."""
        if (
            self.status != self.Status.ACTIVE
            or self.paid_through is None
            or self.coverage_ends is None
            or self.coverage_ends < today.replace(day=1)
        ):
            return None
        return state_for(unpaid_months(self.paid_through, today))

    @property
    def holds_slot(self) -> bool:
        return self.status in self.SLOT_HOLDING

    @cached_property
    def quota(self) -> Quota:
        """The village quota this enrollment counts in (and whose sign-off covers it)."""
        quota = Quota.objects.select_related("campaign").get(
            campaign_id=self.campaign_id, village_id=self.village_id
        )
        quota.village = self.village
        return quota

    # Who may do what: one named check per action, used by the views, the templates and the services.
    # Each includes the user's reach, so a service called from an import or a task cannot skip it, and
    # each answers with its reason (config.verdicts): who, then the village's sign-off, then the status.

    def is_overseen_by(self, user: User) -> bool:
        """An official (or administrator) whose area holds the enrollment's village."""
        return user.acts_as_official and user.reaches(self.village)

    def _who_may(self, user: User, *, or_its_agent: bool = False) -> Verdict:
        """Officials over the village; with `or_its_agent`, also the agent who entered it."""
        own = or_its_agent and self.entered_by_id == user.pk and user.reaches(self.village)
        return Verdict.when(self.is_overseen_by(user) or own, _("You may not change this enrollment."))

    def _now(self, allowed: bool) -> Verdict:
        return Verdict.when(
            allowed,
            _("This enrollment is %(status)s; that cannot be done now.")
            % {"status": self.get_status_display().lower()},
        )

    def can_verify(self, user: User) -> Verdict:
        return self._who_may(user) and self._now(self.status == self.Status.REGISTERED)

    def can_activate(self, user: User) -> Verdict:
        return self._who_may(user) and self._now(
            self.status in (self.Status.REGISTERED, self.Status.VERIFIED)
        )

    def can_reject(self, user: User) -> Verdict:
        return (
            self._who_may(user)
            and self.quota.unlocked_for(user)
            and self._now(self.status in self.REJECTABLE)
        )

    def can_claim(self, user: User) -> Verdict:
        """A benefit is claimed for a worker who has been a member (activated), by an official over them."""
        return self._who_may(user) and Verdict.when(
            self.coverage_starts is not None,
            _("A benefit is claimed only for a worker who has been a member."),
        )

    def can_hand_over_card(self, user: User) -> Verdict:
        return self._who_may(user) and self._now(self.status == self.Status.ACTIVE)

    def can_renew(self, user: User) -> Verdict:
        return (
            self._who_may(user)
            and self._now(self.status == self.Status.ACTIVE)
            and Verdict.when(not self.is_renewed, _("This worker has been renewed already."))
        )

    # The later campaigns this worker may be renewed into, set on a page's rows by
    # enrollment.renewal.renewal_options (not a column).
    renew_options: list[Campaign]

    @cached_property
    def is_renewed(self) -> bool:
        """Already renewed into a later campaign (an open renewal): not offered renewal again. Lists
        annotate `renewed` for the whole page."""
        if "renewed" in self.__dict__:
            return self.__dict__["renewed"]
        return open_renewals_of(self.pk).exists()

    def can_correct(self, user: User) -> Verdict:
        """The declaration may be corrected until an official has checked it, by its agent or an official."""
        return (
            self._who_may(user, or_its_agent=True)
            and self.quota.unlocked_for(user)
            and Verdict.when(self.erasure_id is None, _("This worker's personal data was erased."))
            and self._now(self.status in self.CORRECTABLE)
        )

    def can_change_reminders(self, user: User) -> Verdict:
        """The worker's consent to reminders, given or withdrawn at any time, through the officials over
        the village or its agents (whom the worker asks); not for erased data."""
        agent = user.is_agent and user.reaches(self.village)
        return Verdict.when(
            self.is_overseen_by(user) or agent, _("You may not change this enrollment.")
        ) and Verdict.when(self.erasure_id is None, _("This worker's personal data was erased."))

    def can_cancel(self, user: User) -> Verdict:
        """Officials withdraw any open entry; an agent only one they may still correct."""
        return (
            self._who_may(user, or_its_agent=True)
            and self.quota.unlocked_for(user)
            and self._now(self.status in self.OPEN)
            and (YES if self.is_overseen_by(user) else self.can_correct(user))
        )

    def can_erase(self, user: User) -> Verdict:
        """Erasure on request (UU 27/2022): officials over the village and administrators."""
        return self._who_may(user) and Verdict.when(
            self.erasure_id is None, _("This worker's personal data was erased.")
        )
