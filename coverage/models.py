"""Coverage after enrolling: the months paid for each active worker."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from campaigns.models import FundingSource
from enrollment.models import Enrollment


class Contribution(models.Model):
    """One month paid for one active enrollment: what, from which source, when and who recorded it.

    The row is itself the record (who and when); a month is paid once. The enrollment's
    `paid_through` follows these rows (coverage.services), so lists never add them up."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrollment"), on_delete=models.PROTECT, related_name="contributions"
    )
    month = models.DateField(_("month"))
    amount = models.PositiveIntegerField(_("amount (Rp)"))
    funding_source = models.ForeignKey(
        FundingSource, verbose_name=_("paid from"), on_delete=models.PROTECT, null=True, blank=True
    )
    paid_on = models.DateField(_("paid on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["month"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "month"], name="coverage_contribution_once_a_month"
            ),
            models.CheckConstraint(condition=Q(month__day=1), name="coverage_contribution_month_is_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment_id} {self.month:%Y-%m}: {self.amount}"
