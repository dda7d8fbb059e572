"""Who a campaign should cover, by name: target lists handed over by the social affairs office (DTSEN,
P3KE) or decided by a village meeting, and the people on them.

A target list belongs to an area (a province, regency, district or village) and to an update round
("DTSEN triwulan III 2026"). A new round for an area replaces the people of the earlier rounds inside
it; what changed (new, gone, desil changed) is kept on the new list. A target person is personal data
of the area that holds the list, under the same rules as a worker's declaration: scoped, masked,
in history, erased by the same erasure, and purged when the list is withdrawn.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign
from config.verdicts import Verdict
from enrollment.models import Enrollment
from enrollment.nik import mask_nik
from regions.models import Region
from regions.reach import reach_q

DESILS = range(1, 11)


class TargetListQuerySet(models.QuerySet):
    def for_user(self, user) -> TargetListQuerySet:
        return self.filter(reach_q(user, "region__code"))

    def current(self) -> TargetListQuerySet:
        return self.filter(state=TargetList.State.CURRENT)


class TargetList(models.Model):
    """One round of a list for one area, with the record of its handover (berita acara)."""

    class Source(models.TextChoices):
        DTSEN = "dtsen", _("DTSEN (social affairs, welfare deciles)")
        P3KE = "p3ke", _("P3KE (extreme poverty)")
        MUSDES = "musdes", _("Village meeting (musdes) list")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        CURRENT = "current", _("Current")
        REPLACED = "replaced", _("Replaced by a later round")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    region = models.ForeignKey(Region, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    round = models.CharField(
        _("update round"), max_length=60, help_text=_("As the source names it, e.g. DTSEN triwulan III 2026.")
    )
    given_by = models.CharField(
        _("handed over by"),
        max_length=150,
        help_text=_("Who gave the list, e.g. Dinas Sosial Kab. Sijunjung."),
    )
    given_on = models.DateField(_("handed over on"))
    document_number = models.CharField(_("handover record number"), max_length=80, blank=True)
    scan = models.FileField(_("scan of the handover record"), upload_to="targets/%Y/%m/", blank=True)
    # The import that read the file (imports.ImportBatch, a floor below): its dry run, problems and undo.
    batch_id = models.PositiveBigIntegerField(_("import"), unique=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.CHECKING)
    people = models.PositiveIntegerField(_("people"), default=0)
    # Its people per decile as confirmed, {"1": n, …}: counted on its page, a province's list of two
    # million took 1.9 s (issue 25); the people do not change once the list is saved.
    by_desil = models.JSONField(_("people per decile"), default=dict, blank=True)
    # What the round changed against the rounds it replaced: {"new": n, "gone": n, "changed": n}.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name=_("replaced by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdraw_reason = models.CharField(_("reason for withdrawing"), max_length=250, blank=True)

    objects = TargetListQuerySet.as_manager()

    class Meta:
        verbose_name = _("target list")
        verbose_name_plural = _("target lists")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["region", "state"], name="targeting_list_region_state")]

    def __str__(self) -> str:
        return f"{self.get_source_display()} · {self.round} · {self.region.name}"

    def can_withdraw(self, user) -> Verdict:
        if self.state in (self.State.WITHDRAWN, self.State.CHECKING):
            return Verdict.no(_("This list is not in use."))
        return Verdict.when(
            user.is_superuser or (user.acts_as_official and user.reaches(self.region)),
            _("Only an official of the list's area can withdraw it."),
        )


class TargetPersonQuerySet(models.QuerySet):
    def for_user(self, user) -> TargetPersonQuerySet:
        return self.filter(reach_q(user, "village__code"))

    def current(self) -> TargetPersonQuerySet:
        return self.filter(target_list__state=TargetList.State.CURRENT)

    def worklist(self) -> TargetPersonQuerySet:
        """The people of current lists still to enroll: not enrolled in a running campaign, lowest
        decile first, each household together, with what an agent found of them (`outcome`, None
        before anyone looked)."""
        enrolled = Enrollment.objects.filter(
            worker__nik=OuterRef("nik"), status__in=Enrollment.OPEN, campaign__status=Campaign.Status.ACTIVE
        )
        found = Visit.objects.filter(village=OuterRef("village"), nik=OuterRef("nik")).values("outcome")[:1]
        return (
            self.current()
            .exclude(nik=None)
            .exclude(Exists(enrolled))
            .annotate(outcome=Subquery(found))
            .order_by("desil", "kk_number", "full_name", "pk")
        )


class TargetPerson(models.Model):
    """A person on a target list, as the list names them: what the entry form can be prefilled with,
    the household (KK) and the welfare decile.

    Written only by a list's import (the batch and the list record who added them, when, from which
    file), replaced by the next round, deleted when the list is withdrawn or purged, blanked by an
    erasure: no row-by-row history (a regency's list is 200,000 rows), and no foreign key points here,
    so a purge is one DELETE. What agents find is a Visit, which has its history."""

    target_list = models.ForeignKey(
        TargetList,
        verbose_name=_("target list"),
        on_delete=models.CASCADE,
        related_name="members",
        db_index=False,  # the unique (list, NIK) starts with it
    )
    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # targeting_person_village starts with it
    )
    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True)  # noqa: DJ001  (None once erased)
    kk_number = models.CharField(_("family card (KK) number"), max_length=16, blank=True)
    desil = models.PositiveSmallIntegerField(_("decile (desil)"))
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    rt_rw = models.CharField(_("RT/RW"), max_length=9, blank=True)
    occupation = models.CharField(_("occupation (as listed)"), max_length=60, blank=True)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)  # the NIK and name are gone

    objects = TargetPersonQuerySet.as_manager()

    IDENTIFYING = {"nik": None, "kk_number": "", "full_name": "", "birth_date": None, "rt_rw": "", "sex": ""}

    class Meta:
        verbose_name = _("target person")
        verbose_name_plural = _("target people")
        constraints = [
            models.UniqueConstraint(
                fields=["target_list", "nik"], name="targeting_targetperson_once_per_list"
            ),
            models.CheckConstraint(
                condition=Q(desil__gte=1, desil__lte=10), name="targeting_targetperson_desil"
            ),
        ]
        indexes = [
            # The worklist and the village's coverage: a village's people by desil, households together.
            models.Index(fields=["village", "desil", "kk_number"], name="targeting_person_village"),
            # Eligibility at entry and who is covered: is this NIK on a current list?
            models.Index(fields=["nik"], name="targeting_person_nik"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or '-'} ({self.masked_nik})"

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik or "")

    def can_be_visited(self, user) -> Verdict:
        """Whether `user` may record what they found of this person (an agent of the village, an
        official over it)."""
        if self.nik is None:
            return Verdict.no(_("This person's data was erased."))
        return Verdict.when(user.reaches(self.village), _("This person is outside your area."))


class VisitQuerySet(models.QuerySet):
    def for_user(self, user) -> VisitQuerySet:
        return self.filter(reach_q(user, "village__code"))


class Visit(models.Model):
    """What an agent found when looking for a target person: not found, moved, died, does not want
    to join. One per person and village, kept across a list's rounds (the next round names the same
    person by the same NIK); changed by the agent, every change in history."""

    class Outcome(models.TextChoices):
        NOT_FOUND = "not_found", _("Not found")
        MOVED = "moved", _("Moved away")
        DIED = "died", _("Died")
        REFUSES = "refuses", _("Does not want to join")

    village = models.ForeignKey(
        Region,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the unique (village, NIK) starts with it
    )
    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True)  # noqa: DJ001  (None once erased)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    reason = models.CharField(_("what the agent found"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()
    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [
            models.UniqueConstraint(fields=["village", "nik"], name="targeting_visit_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} ({mask_nik(self.nik or '')})"


class NearDuplicateQuerySet(models.QuerySet):
    def for_user(self, user) -> NearDuplicateQuerySet:
        return self.filter(reach_q(user, "village__code"))

    def open(self) -> NearDuplicateQuerySet:
        return self.filter(decision=NearDuplicate.Decision.OPEN)


class NearDuplicate(models.Model):
    """Two workers who may be one person (enrollment.nearby says why), found by the periodic search,
    waiting for an official: the same person (merged), or different people (remembered, so the search
    does not ask again)."""

    class Decision(models.TextChoices):
        OPEN = "open", _("To review")
        SAME = "same", _("Same person: merged")
        DIFFERENT = "different", _("Different people")

    # The pair, lower id first, so that (a, b) and (b, a) are one row.
    first = models.ForeignKey(
        "enrollment.Worker",
        verbose_name=_("worker"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # the unique pair starts with it
    )
    second = models.ForeignKey(
        "enrollment.Worker",
        verbose_name=_("other worker"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    reason = models.CharField(_("why"), max_length=12)
    village = models.ForeignKey(Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="+")
    found_at = models.DateTimeField(_("found at"), auto_now_add=True)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    merged = models.PositiveSmallIntegerField(_("enrollments moved"), default=0)

    history = HistoricalRecords()
    objects = NearDuplicateQuerySet.as_manager()

    class Meta:
        verbose_name = _("possible duplicate")
        verbose_name_plural = _("possible duplicates")
        ordering = ["-found_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="targeting_nearduplicate_pair_once"),
        ]

    def __str__(self) -> str:
        return f"{self.first_id} ~ {self.second_id} ({self.reason})"

    def can_decide(self, user) -> Verdict:
        if self.decision != self.Decision.OPEN:
            return Verdict.no(_("This pair was decided already."))
        return Verdict.when(
            user.acts_as_official and user.reaches(self.village),
            _("Only an official of the village's area decides whether two workers are one person."),
        )


class TargetCoverageCount(models.Model):
    """A campaign's coverage of the target lists in one village, counted in the background
    (`refresh_target_coverage`, hourly) for the dashboards of provinces and the country, where a
    live count would read tens of millions of listed people; smaller areas count live."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+",
        db_index=False,  # the unique (campaign, village) starts with it
    )  # fmt: skip
    village = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    max_desil = models.PositiveSmallIntegerField()
    people = models.PositiveIntegerField()
    here = models.PositiveIntegerField()
    elsewhere = models.PositiveIntegerField()
    visited = models.PositiveIntegerField()
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "village"], name="targeting_coveragecount_once"),
        ]

    def __str__(self) -> str:
        return f"{self.here}/{self.people} ({self.counted_at:%Y-%m-%d %H:%M})"


class EligibilityCounting(models.Model):
    """For which of a campaign's rules (and which current lists) its eligibility counts stand, and
    when they were asked for and made: the preview counts tens of millions of listed people for a
    national campaign, so it is counted in the background whenever the rules change."""

    campaign = models.OneToOneField("campaigns.Campaign", on_delete=models.CASCADE, related_name="+")
    rules = models.JSONField(default=dict)  # preview.rules_counted(campaign) of the last count
    asked_at = models.DateTimeField()
    counted_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"{self.campaign_id}: {self.counted_at or '…'}"


class EligibilityCount(models.Model):
    """How many of one village's listed people each of a campaign's rules keeps (see preview)."""

    campaign = models.ForeignKey(
        "campaigns.Campaign", on_delete=models.CASCADE, related_name="+",
        db_index=False,  # the unique (campaign, village) starts with it
    )  # fmt: skip
    village = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    people = models.PositiveIntegerField()
    desil = models.PositiveIntegerField()
    age = models.PositiveIntegerField()
    residence = models.PositiveIntegerField()
    not_elsewhere = models.PositiveIntegerField()
    kept = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "village"], name="targeting_eligibilitycount_once"),
        ]

    def __str__(self) -> str:
        return f"{self.kept}/{self.people}"
