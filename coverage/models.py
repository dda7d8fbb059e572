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


class ClaimQuerySet(models.QuerySet):
    def for_user(self, user) -> ClaimQuerySet:
        return self.filter(enrollment__in=Enrollment.objects.for_user(user))

    def totals(self) -> dict[str, int]:
        """Claims (refused ones left out) and the amount paid, in one query."""
        sums = self.aggregate(
            claims=models.Count("pk", filter=~Q(status=Claim.Status.REFUSED)),
            paid=models.Sum("amount", filter=Q(status=Claim.Status.PAID)),
        )
        return {key: value or 0 for key, value in sums.items()}


class Claim(models.Model):
    """A benefit claimed for an enrolled worker or their heirs, recorded for follow-up and impact
    reports: submitted, then paid or refused with a reason."""

    class Kind(models.TextChoices):
        JKM_DEATH = "jkm_death", _("JKM death benefit (Rp 42,000,000)")
        JKK_CARE = "jkk_care", _("JKK work-accident care")
        JKK_DEATH = "jkk_death", _("JKK death from a work accident (48 x declared income)")
        SCHOLARSHIP = "scholarship", _("Children's scholarship")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        PAID = "paid", _("Paid")
        REFUSED = "refused", _("Refused")

    # A person dies once: these are paid once per worker, whichever enrollment they are claimed through.
    ONCE_ONLY = (Kind.JKM_DEATH, Kind.JKK_DEATH)

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrollment"), on_delete=models.PROTECT, related_name="claims"
    )
    # The enrollment's worker, kept here so that the database can hold "once per worker" (invariant 8).
    worker = models.ForeignKey(
        "enrollment.Worker", verbose_name=_("worker"), on_delete=models.PROTECT, related_name="claims"
    )
    kind = models.CharField(_("benefit"), max_length=12, choices=Kind.choices)
    event_on = models.DateField(
        _("date of the event"), help_text=_("The death, the accident, or the school year.")
    )
    heir = models.ForeignKey(
        "enrollment.Heir", verbose_name=_("paid to (heir)"), on_delete=models.SET_NULL, null=True, blank=True
    )
    amount = models.PositiveBigIntegerField(_("amount (Rp)"))
    documents = models.JSONField(_("documents received"), default=list, blank=True)
    # Set at entry: the event falls outside a covered, paid month, where claims stall (Sidoarjo).
    outside_cover = models.BooleanField(_("event outside a covered, paid month"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    reason = models.CharField(_("reason for refusal"), max_length=250, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_on = models.DateField(_("paid or refused on"), null=True, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-event_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="refused") | ~Q(reason=""), name="coverage_claim_refusal_has_reason"
            ),
            models.UniqueConstraint(
                fields=["worker", "kind"],
                condition=Q(kind__in=["jkm_death", "jkk_death"]) & ~Q(status="refused"),
                name="coverage_claim_death_once_per_worker",
                violation_error_message=_("This benefit has been claimed for this worker already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.event_on}: {self.amount}"
