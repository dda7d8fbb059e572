"""Recorded acts of officials over lists of workers: exports, and the village lists' sign-off steps.

Neither record holds a NIK (DESIGN.md): an export log says who took which list, with which filters
and columns, whether NIK and phone were whole and why, never the rows themselves.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign, Quota
from regions.models import Region
from regions.reach import reach_q

if TYPE_CHECKING:
    from accounts.models import User


class ExportLogQuerySet(models.QuerySet):
    def for_user(self, user: User) -> ExportLogQuerySet:
        """Administrators see every export; an official the exports of their area and their own."""
        if user.is_superuser:
            return self.all()
        if not user.is_official:
            return self.filter(user=user)
        in_area = ExportLog.regions.through.objects.filter(
            reach_q(user, "region__code"), exportlog_id=OuterRef("pk")
        )
        return self.filter(Q(user=user) | Exists(in_area))


class ExportLog(models.Model):
    """One export: who, when, which list with which filters and columns, whole personal data or not
    and why, and how many rows went out (empty until the file was complete)."""

    class Kind(models.TextChoices):
        ENROLLMENTS = "enrollments", _("Enrollments")
        PROGRESS = "progress", _("Quota progress")
        RECAP = "recap", _("Village recap")
        REALISATION = "realisation", _("Budget realisation report")
        BILL = "bill", _("A bill's list of workers")
        REGISTRATION = "registration", _("Registration file for the BPJS branch")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        PAGE = "page", _("Page to print")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("exported at"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("list"), max_length=12, choices=Kind.choices)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The area the export covers: the region filtered on, else the user's own regions; none for a
    # national export by an administrator. Officials see the exports of their area through it.
    regions = models.ManyToManyField(Region, verbose_name=_("area"), blank=True, related_name="+")
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    columns = models.JSONField(_("columns"), default=list, blank=True)
    whole_personal_data = models.BooleanField(_("whole NIK and phone"), default=False)
    purpose = models.CharField(_("purpose"), max_length=250, blank=True)
    row_count = models.PositiveIntegerField(_("rows"), null=True, blank=True)

    objects = ExportLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("export log")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(whole_personal_data=False) | ~Q(purpose=""),
                name="reports_exportlog_whole_data_has_purpose",
                violation_error_message=_(
                    "Give the purpose for which NIK and phone numbers are needed whole."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.user}: {self.get_kind_display()}"


def scan_path(step: SignoffStep, filename: str) -> str:
    """Where a signed page is stored: by campaign and village code, under a random name (the file
    name the user chose may hold a person's name)."""
    suffix = PurePath(filename).suffix.lower()
    return f"signoffs/{step.quota.campaign_id}/{step.quota.village.code}-{uuid.uuid4().hex}{suffix}"


class SignoffStep(models.Model):
    """One step of a village list's sign-off (DHIS2's data approval): signed by the village head,
    approved by the district, approved by the regency, or reopened by the level that took the last step."""

    class Action(models.TextChoices):
        SIGN = "sign", _("Signed by the village head")
        APPROVE = "approve", _("Approved")
        REOPEN = "reopen", _("Reopened")

    quota = models.ForeignKey(
        Quota, verbose_name=_("village quota"), on_delete=models.PROTECT, related_name="signoff_steps"
    )
    action = models.CharField(_("step"), max_length=8, choices=Action.choices)
    stage = models.PositiveSmallIntegerField(_("sign-off after the step"), choices=Quota.Signoff.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    village_head = models.CharField(_("village head"), max_length=150, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    scan = models.FileField(_("scan of the signed page"), upload_to=scan_path, blank=True)
    reason = models.CharField(_("reason"), max_length=250, blank=True)
    workers = models.PositiveIntegerField(_("workers on the list"))

    class Meta:
        verbose_name = _("sign-off step")
        verbose_name_plural = _("sign-off steps")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(action="sign") | (~Q(village_head="") & Q(signed_on__isnull=False)),
                name="reports_signoffstep_signature_named",
            ),
            models.CheckConstraint(
                condition=~Q(action="reopen") | ~Q(reason=""), name="reports_signoffstep_reopen_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quota_id} {self.get_action_display()} {self.at:%Y-%m-%d}"


class BranchLayoutQuerySet(models.QuerySet):
    def for_user(self, user: User) -> BranchLayoutQuerySet:
        return self.filter(reach_q(user, "region__code"))


class BranchLayout(models.Model):
    """How one BPJS branch office wants the file it registers workers from: which fields, in which
    order, under which headers, dates and numbers written how (reports.branch)."""

    class DateFormat(models.TextChoices):
        DMY_SLASH = "%d/%m/%Y", "31/12/1990"
        DMY_DASH = "%d-%m-%Y", "31-12-1990"
        ISO = "%Y-%m-%d", "1990-12-31"
        DMY_PLAIN = "%d%m%Y", "31121990"

    name = models.CharField(
        _("branch"), max_length=120, help_text=_("e.g. BPJS Ketenagakerjaan Cabang Purwakarta")
    )
    region = models.ForeignKey(
        Region, verbose_name=_("area it serves"), on_delete=models.PROTECT, related_name="+"
    )
    columns = models.JSONField(_("columns"), default=list)  # [[field key, header], …] in order
    date_format = models.CharField(
        _("dates written as"), max_length=10, choices=DateFormat.choices, default=DateFormat.DMY_SLASH
    )
    grouped_numbers = models.BooleanField(_("amounts with thousands separators (1.500.000)"), default=False)
    file_format = models.CharField(
        _("file"), max_length=4, choices=[("xlsx", "Excel (XLSX)"), ("csv", "CSV")], default="xlsx"
    )
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    history = HistoricalRecords()
    objects = BranchLayoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("branch file layout")
        verbose_name_plural = _("branch file layouts")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
