"""Benefit claims: recorded by officials, flagged where they tend to stall, then paid or refused."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import month_of
from enrollment.models import Enrollment, Heir

from .models import Claim
from .services import CoverageError

JKM_BENEFIT = 42_000_000  # Rp 20 m death benefit + 12 m periodic benefit at once + 10 m funeral
JKK_DEATH_MONTHS = 48  # a death from a work accident: 48 x the declared monthly income
SCHOLARSHIP_CHILDREN = 2
SCHOLARSHIP_MEMBERSHIP_YEARS = 3  # after a death not caused by work


def outside_cover(enrollment: Enrollment, event_on: dt.date) -> bool:
    """The event is not in a month the enrollment covers and has paid for: the claim will stall
    until the arrears are paid (Sidoarjo: paid to July, died in September)."""
    if (
        enrollment.coverage_starts is None
        or enrollment.coverage_ends is None
        or not enrollment.coverage_starts <= event_on < enrollment.coverage_ends
    ):
        return True
    return enrollment.paid_through is None or month_of(event_on) > enrollment.paid_through


def suggested_amount(enrollment: Enrollment, kind: str) -> int | None:
    """The amount the rules give, where they give one."""
    if kind == Claim.Kind.JKM_DEATH:
        return JKM_BENEFIT
    if kind == Claim.Kind.JKK_DEATH:
        return JKK_DEATH_MONTHS * enrollment.monthly_income
    return None


def _check_scholarship(enrollment: Enrollment, event_on: dt.date) -> None:
    claims = Claim.objects.filter(enrollment__worker=enrollment.worker).exclude(status=Claim.Status.REFUSED)
    if claims.filter(kind=Claim.Kind.SCHOLARSHIP).count() >= SCHOLARSHIP_CHILDREN:
        raise CoverageError(_("A scholarship is paid for at most two children."))
    if claims.filter(kind=Claim.Kind.JKK_DEATH).exists():
        return  # after a death from a work accident, no minimum membership
    first = (
        Enrollment.objects.filter(worker=enrollment.worker, coverage_starts__isnull=False)
        .order_by("coverage_starts")
        .values_list("coverage_starts", flat=True)
        .first()
    )
    # relativedelta: cover that started on 29 February reaches its years on the 28th (replace() raised).
    years_later = first + relativedelta(years=SCHOLARSHIP_MEMBERSHIP_YEARS) if first else None
    if years_later is None or event_on < years_later:
        raise CoverageError(_("After a death not caused by work, a scholarship needs 3 years of membership."))


@transaction.atomic
def claim_record(
    *,
    enrollment: Enrollment,
    kind: str,
    event_on: dt.date,
    amount: int | None,
    heir: Heir | None,
    documents: list[str],
    by: User,
) -> Claim:
    """Record a claim for a worker the official oversees; flag it when the event is outside a
    covered, paid month."""
    if not enrollment.is_overseen_by(by):
        raise CoverageError(_("You may not record a claim for this worker."))
    if enrollment.coverage_starts is None:
        raise CoverageError(_("Only a worker who has been a member (activated) can claim a benefit."))
    if event_on > timezone.localdate():
        raise CoverageError(_("The date of the event cannot be in the future."))
    if heir is not None and heir.enrollment_id != enrollment.pk:
        raise CoverageError(_("Choose one of this enrollment's heirs."))
    if kind == Claim.Kind.SCHOLARSHIP:
        _check_scholarship(enrollment, event_on)
    amount = amount or suggested_amount(enrollment, kind)
    if not amount:
        raise CoverageError(_("Enter the amount claimed."))
    if kind in Claim.ONCE_ONLY and (standing := _standing_claim(enrollment, kind)):
        raise CoverageError(already_claimed(standing))
    try:
        with transaction.atomic():  # a savepoint: two officials recording the same death at once
            return Claim.objects.create(
                enrollment=enrollment,
                worker_id=enrollment.worker_id,
                kind=kind,
                event_on=event_on,
                amount=amount,
                heir=heir,
                documents=documents,
                outside_cover=outside_cover(enrollment, event_on),
                recorded_by=by,
            )
    except IntegrityError:  # the other one got there first (coverage_claim_death_once_per_worker)
        raise CoverageError(already_claimed(_standing_claim(enrollment, kind))) from None


def _standing_claim(enrollment: Enrollment, kind: str) -> Claim | None:
    """The worker's claim of this kind that is not refused, through any of their enrollments."""
    return (
        Claim.objects.filter(worker_id=enrollment.worker_id, kind=kind)
        .exclude(status=Claim.Status.REFUSED)
        .first()
    )


def already_claimed(claim: Claim | None) -> str:
    if claim is None:
        return _("This benefit has been claimed for this worker already.")
    return _(
        "This benefit is paid once per worker, and it was recorded on %(date)s (%(status)s). "
        "Refuse that claim first if it was wrong."
    ) % {
        "date": date_format(claim.recorded_at.date() if claim.recorded_at else claim.event_on),
        "status": claim.get_status_display(),
    }


@transaction.atomic
def claim_decide(*, claim: Claim, paid: bool, by: User, on: dt.date, reason: str = "") -> Claim:
    """Mark a submitted claim paid, or refused with a reason."""
    claim = Claim.objects.select_for_update().select_related("enrollment__village").get(pk=claim.pk)
    if not claim.enrollment.is_overseen_by(by):
        raise CoverageError(_("You may not change this claim."))
    if claim.status != Claim.Status.SUBMITTED:
        raise CoverageError(_("This claim has been decided already."))
    if not paid and not reason.strip():
        raise CoverageError(_("Give a reason."))
    claim.status = Claim.Status.PAID if paid else Claim.Status.REFUSED
    claim.reason = "" if paid else reason.strip()
    claim.decided_by, claim.decided_on = by, on
    claim.save(update_fields=["status", "reason", "decided_by", "decided_on"])
    return claim
