"""A recorded import: who sent which file for which campaign, what it enrolled, and its undoing."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign
from enrollment.models import Enrollment
from regions.reach import reach_q


class ImportBatchQuerySet(models.QuerySet):
    def for_user(self, user) -> ImportBatchQuerySet:
        """The user's own imports, and those whose rows all lie inside the user's reach (`region`, the
        smallest region holding every village of the file, or the area of a branch list)."""
        if user.is_superuser:
            return self
        return self.filter(Q(uploaded_by=user) | (Q(region__isnull=False) & reach_q(user, "region__code")))


class ImportBatch(models.Model):
    """One uploaded file and what became of it: checked (the dry run), then committed, or discarded.

    A sign-up list enrolls workers; a branch list (the BPJS branch office's list of the workers it
    registered) is matched on NIK and, once confirmed, activates the ready ones. Large files are checked
    and committed by a background job, which reports its progress here."""

    class Kind(models.TextChoices):
        SIGNUPS = "signups", _("Sign-up list")
        BRANCH_LIST = "branch_list", _("BPJS branch list")
        STATEMENT = "statement", _("Bank statement")  # read by billing (imports.kinds)
        TARGETS = "targets", _("Target list")  # read by targeting (imports.kinds)

    class State(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        MAPPING = "mapping", _("Columns to match")
        CHECKED = "checked", _("Checked, waiting for your confirmation")
        COMMITTING = "committing", _("Being saved")
        DONE = "done", _("Saved")
        FAILED = "failed", _("Failed")
        DISCARDED = "discarded", _("Discarded")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.SIGNUPS)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.CHECKING)
    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )  # none for a target list: it is the area's, for every campaign
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=200)
    checksum = models.CharField(_("SHA-256 of the file"), max_length=64)
    # The file itself, kept while its rows may still be needed (the errors download, a retry, the
    # same-day undo); `prune_imports` deletes it after IMPORT_FILE_DAYS. It holds NIKs: never public.
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/", blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The area a branch list covers; empty for a sign-up list."),
    )
    mapping = models.JSONField(_("column mapping"), default=list, blank=True)
    reserve_if_full = models.BooleanField(_("put rows beyond the slots on the reserve list"), default=True)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    valid = models.PositiveIntegerField(_("valid rows"), default=0)
    problems = models.JSONField(_("problems"), default=list, blank=True)  # [row, column, message]
    warnings = models.JSONField(_("warnings"), default=list, blank=True)  # [row, column, message]
    summary = models.JSONField(_("summary"), default=dict, blank=True)  # a branch list's categories
    progress = models.PositiveIntegerField(_("rows done"), default=0)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    error = models.TextField(_("why it failed"), blank=True)
    committed_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    enrolled = models.PositiveIntegerField(_("enrolled"), default=0)
    reserved = models.PositiveIntegerField(_("on the reserve list"), default=0)
    left_out = models.PositiveIntegerField(_("left out (village full)"), default=0)
    enrollments = models.ManyToManyField(
        Enrollment, verbose_name=_("enrollments"), related_name="+", blank=True
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undo_reason = models.CharField(_("reason for undoing"), max_length=250, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.uploaded_at:%Y-%m-%d %H:%M})"

    @property
    def for_campaign(self) -> Campaign:
        """The campaign of a sign-up or branch list (a target list, the area's, has none)."""
        assert self.campaign is not None, self.kind
        return self.campaign

    STALE = dt.timedelta(minutes=5)  # a job silent this long has died (a killed worker)

    @property
    def running(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.COMMITTING)

    def stalled(self, now: dt.datetime | None = None) -> bool:
        """A job that stopped without saying so: its worker was killed. Its transaction rolled back,
        so nothing of it is left, and it can be run again."""
        beat = self.heartbeat_at or self.uploaded_at
        return self.running and (now or timezone.now()) - beat > self.STALE


class ColumnMapping(models.Model):
    """Which of our fields each column of one shape of file holds, as a user mapped it once: the next
    file with the same headers, in the same order, is read the same way without asking again."""

    shape = models.CharField(_("shape"), max_length=64, unique=True)  # SHA-256 of the header keys
    headers = models.JSONField(_("headers"))
    fields = models.JSONField(_("fields"))
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.PROTECT, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved at"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return ", ".join(self.headers)[:100]
