from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign, FundingSource
from regions.models import Region, reach_q

from .nik import FEMALE, MALE, mask_nik

if TYPE_CHECKING:
    from accounts.models import User


class Worker(models.Model):
    """An informal worker (BPU), identified by NIK. One worker, many enrollments over the years."""

    class Sex(models.TextChoices):
        MALE = MALE, _("Male")
        FEMALE = FEMALE, _("Female")

    class Occupation(models.TextChoices):
        # DOMAIN.md: the occupations commonly enrolled, in its order.
        PETANI = "petani", _("Farmer (petani)")
        BURUH_TANI = "buruh_tani", _("Farm labourer (buruh tani)")
        NELAYAN = "nelayan", _("Fisher (nelayan)")
        PEDAGANG = "pedagang", _("Trader (pedagang)")
        BURUH_BANGUNAN = "buruh_bangunan", _("Construction labourer (buruh bangunan)")
        TUKANG = "tukang", _("Craftsman (tukang)")
        OJEK = "ojek", _("Ojek driver (tukang ojek / ojek online)")
        SOPIR = "sopir", _("Driver (sopir)")
        KURIR = "kurir", _("Courier (kurir)")
        GURU_NGAJI = "guru_ngaji", _("Quran teacher (guru ngaji)")
        MARBOT = "marbot", _("Mosque caretaker (marbot)")
        PEMANDI_JENAZAH = "pemandi_jenazah", _("Washer of the dead (pemandi jenazah)")
        PEMULUNG = "pemulung", _("Waste picker (pemulung)")
        SENIMAN = "seniman", _("Artist (seniman)")
        BURUH_HARIAN = "buruh_harian", _("Day labourer (buruh harian lepas)")
        PERANGKAT_DESA = "perangkat_desa", _("Village official (perangkat desa)")
        RT_RW = "rt_rw", _("RT/RW head")
        BPD = "bpd", _("BPD member")
        BUMDES = "bumdes", _("BUMDes staff")
        LINMAS = "linmas", _("Linmas")
        KADER_POSYANDU = "kader_posyandu", _("Posyandu cadre (kader Posyandu)")
        KADER_PKK = "kader_pkk", _("PKK cadre (kader PKK)")
        OTHER = "other", _("Other")

    nik = models.CharField(_("NIK"), max_length=16, unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    phone = models.CharField(_("mobile phone"), max_length=16, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    village = models.ForeignKey(
        Region, verbose_name=_("village of residence"), on_delete=models.PROTECT, related_name="residents"
    )
    occupation = models.CharField(_("occupation"), max_length=20, choices=Occupation.choices)
    occupation_other = models.CharField(_("other occupation"), max_length=100, blank=True)
    monthly_income = models.PositiveBigIntegerField(_("declared monthly income (Rp)"))
    kk_number = models.CharField(_("family card (KK) number"), max_length=16, blank=True)
    consent_at = models.DateTimeField(_("consent to data processing given at"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        constraints = [
            # Messages for the admin's forms; the entry form checks the same by the field.
            models.CheckConstraint(
                condition=Q(nik__regex=r"^[0-9]{16}$"),
                name="enrollment_worker_nik_16_digits",
                violation_error_message=_("A NIK has exactly 16 digits."),
            ),
            models.CheckConstraint(
                condition=Q(kk_number="") | Q(kk_number__regex=r"^[0-9]{16}$"),
                name="enrollment_worker_kk_16_digits",
                violation_error_message=_("A family card (KK) number has 16 digits."),
            ),
            models.CheckConstraint(
                condition=~Q(occupation="other") | ~Q(occupation_other=""),
                name="enrollment_worker_other_named",
                violation_error_message=_("Name the occupation."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.masked_nik})"

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik)

    @property
    def occupation_label(self) -> str:
        return (
            self.occupation_other
            if self.occupation == self.Occupation.OTHER
            else self.get_occupation_display()
        )


class Heir(models.Model):
    """Ahli waris, who receives the JKM benefit (Rp 42 million) if the worker dies."""

    class Relationship(models.TextChoices):
        # DOMAIN.md: the order in which heirs are entitled.
        SPOUSE = "spouse", _("Spouse")
        CHILD = "child", _("Child")
        PARENT = "parent", _("Parent")
        GRANDCHILD = "grandchild", _("Grandchild")
        GRANDPARENT = "grandparent", _("Grandparent")
        SIBLING = "sibling", _("Sibling")
        IN_LAW = "in_law", _("Parent- or sibling-in-law")
        NAMED = "named", _("Person named by the worker")

    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.CASCADE, related_name="heirs"
    )
    name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=12, choices=Relationship.choices)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("heir")
        verbose_name_plural = _("heirs")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class EnrollmentQuerySet(models.QuerySet):
    def for_user(self, user: User) -> EnrollmentQuerySet:
        return self.filter(reach_q(user, "village__code"))

    def holding_slots(self) -> EnrollmentQuerySet:
        return self.filter(status__in=Enrollment.SLOT_HOLDING)

    def reserves(self) -> EnrollmentQuerySet:
        """The reserve list (cadangan), first entered first."""
        return self.filter(status=Enrollment.Status.RESERVE).order_by("entered_at", "pk")


class Enrollment(models.Model):
    """A worker in a campaign at a village: registered → verified → active, or rejected/cancelled."""

    class Status(models.TextChoices):
        RESERVE = "reserve", _("Reserve (cadangan)")
        REGISTERED = "registered", _("Registered")
        VERIFIED = "verified", _("Verified")
        ACTIVE = "active", _("Active")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")

    SLOT_HOLDING = (Status.REGISTERED, Status.VERIFIED, Status.ACTIVE)
    OPEN = (Status.RESERVE, *SLOT_HOLDING)  # counts as "already in the campaign"
    CORRECTABLE = (Status.RESERVE, Status.REGISTERED)  # not yet checked by an official

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="enrollments"
    )
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="enrollments"
    )
    worker = models.ForeignKey(
        Worker, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="enrollments"
    )
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("funding source"), on_delete=models.PROTECT, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)

    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("activated by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    kpj_number = models.CharField(_("membership number (KPJ)"), max_length=20, blank=True)
    coverage_starts = models.DateField(_("coverage starts"), null=True, blank=True)
    coverage_ends = models.DateField(_("coverage ends"), null=True, blank=True)
    card_handed_over_on = models.DateField(_("card handed over on"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rejected or cancelled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("rejected or cancelled at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=250, blank=True)

    history = HistoricalRecords()
    objects = EnrollmentQuerySet.as_manager()

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
            models.CheckConstraint(
                condition=~Q(status="active") | (~Q(kpj_number="") & Q(coverage_starts__isnull=False)),
                name="enrollment_enrollment_active_has_kpj",
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
        ]

    def __str__(self) -> str:
        return f"{self.worker} — {self.campaign}"

    @property
    def holds_slot(self) -> bool:
        return self.status in self.SLOT_HOLDING

    def can_correct(self, user: User) -> bool:
        """The worker's data may be corrected until an official has checked it, by its agent or an official."""
        return self.status in self.CORRECTABLE and (user.can_manage_agents or self.entered_by_id == user.pk)

    def can_cancel(self, user: User) -> bool:
        """Officials withdraw any open entry; an agent only one they may still correct."""
        return self.status in self.OPEN and (user.can_manage_agents or self.can_correct(user))
