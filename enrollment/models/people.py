"""The people an enrollment is about: workers (one per NIK), their heirs, and erasures of their data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..nik import FEMALE, MALE, mask_nik

if TYPE_CHECKING:
    pass


class Worker(models.Model):
    """A person's identity, shared nationally: the NIK, what it implies, and the KPJ once BPJS gives one.

    Nothing a worker *declares* lives here (name, phone, address, occupation, income, KK, heirs,
    consent): that belongs to each enrollment and to the area that collected it (DESIGN.md invariant 4),
    so a sign-up in one area can never change or reveal what another area recorded.
    """

    class Sex(models.TextChoices):
        MALE = MALE, _("Male")
        FEMALE = FEMALE, _("Female")

    # NULL once the person's data is erased (UU 27/2022): the row stays so that counts stay right.
    # Unique by the constraints below, not `unique=True`: on PostgreSQL that also builds a pattern
    # index for LIKE 'prefix%' (324 MB for the NIK at 8.4 million), and no one searches by part of a
    # number.
    # NULL, not "", where there is none: many erased NIKs or absent KPJs never collide in the unique.
    nik = models.CharField(_("NIK"), max_length=16, null=True, blank=True)  # noqa: DJ001
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    # One number, one person. Sensitive (it opens the member's JMO account): shown only where needed.
    kpj_number = models.CharField(_("membership number (KPJ)"), max_length=20, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        constraints = [
            models.UniqueConstraint(fields=["nik"], name="enrollment_worker_nik_key"),
            models.UniqueConstraint(fields=["kpj_number"], name="enrollment_worker_kpj_number_key"),
            models.CheckConstraint(
                condition=Q(nik__isnull=True) | Q(nik__regex=r"^[0-9]{16}$"),
                name="enrollment_worker_nik_16_digits",
                violation_error_message=_("A NIK has exactly 16 digits."),
            ),
            models.CheckConstraint(
                condition=Q(kpj_number__isnull=True) | ~Q(kpj_number=""),
                name="enrollment_worker_kpj_not_empty",
                violation_error_message=_("Enter the membership number (KPJ)."),
            ),
        ]

    def __str__(self) -> str:
        return self.masked_nik or gettext("(erased)")

    @property
    def masked_nik(self) -> str:
        return mask_nik(self.nik) if self.nik else ""


class HeirQuerySet(models.QuerySet):
    def current(self) -> HeirQuerySet:
        return self.filter(removed_at__isnull=True)


class Heir(models.Model):
    """Ahli waris named at one sign-up, who receives the JKM benefit (Rp 42 million) if the worker dies.

    Heirs belong to the enrollment that recorded them. A correction changes a heir in place (position 1
    or 2) and a heir taken off is marked removed, so history always shows who named whom, and when.
    """

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

    enrollment = models.ForeignKey(
        "Enrollment", verbose_name=_("enrollment"), on_delete=models.CASCADE, related_name="heirs",
        db_index=False,  # the unique (enrollment, position) starts with it
    )  # fmt: skip
    position = models.PositiveSmallIntegerField(_("position"), default=1)
    name = models.CharField(_("name"), max_length=150)
    relationship = models.CharField(_("relationship"), max_length=12, choices=Relationship.choices)
    nik = models.CharField(_("NIK"), max_length=16, blank=True)
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = HeirQuerySet.as_manager()

    class Meta:
        verbose_name = _("heir")
        verbose_name_plural = _("heirs")
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "position"], name="enrollment_heir_one_per_position"
            ),
            models.CheckConstraint(
                condition=Q(nik="") | Q(nik__regex=r"^[0-9]{16}$"),
                name="enrollment_heir_nik_16_digits",
                violation_error_message=_("A NIK has exactly 16 digits."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_relationship_display()})"


class Erasure(models.Model):
    """An erasure of personal data (UU 27/2022): who, when and why, never what was erased."""

    erased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erased by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the retention purge erased it."),
    )
    erased_at = models.DateTimeField(_("erased at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=250)
    enrollment_count = models.PositiveIntegerField(_("enrollments erased"))

    class Meta:
        verbose_name = _("erasure of personal data")
        verbose_name_plural = _("erasures of personal data")
        ordering = ["-erased_at"]

    def __str__(self) -> str:
        return f"{self.erased_at:%Y-%m-%d %H:%M} {self.erased_by or '-'}: {self.reason}"
