from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One scheduled job (`issue_bills`, `refresh_dashboards`…): who runs it now and until when at the
    latest, and when it last finished. The row is the lock that lets cron on every server start the
    job while only one runs it (operations.schedule)."""

    job = models.CharField(_("job"), max_length=60, primary_key=True)
    holder = models.CharField(_("running on"), max_length=120, blank=True)  # host, process, a nonce
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    # A holder that died (a server switched off mid-run) gives the job back at this time.
    held_until = models.DateTimeField(_("held until"), null=True, blank=True)
    finished_at = models.DateTimeField(_("last finished at"), null=True, blank=True)
    runs = models.PositiveIntegerField(_("runs"), default=0)
    skipped = models.PositiveIntegerField(_("skipped (already running)"), default=0)

    class Meta:
        verbose_name = _("scheduled job")
        verbose_name_plural = _("scheduled jobs")
        ordering = ["job"]

    def __str__(self) -> str:
        return self.job
