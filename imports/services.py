"""Committing a checked import through the entry services, all or nothing, and undoing it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign
from enrollment.models import Enrollment
from enrollment.services import EnrollmentError, VillageFull, enrollment_cancel, enrollment_register

from .checks import DryRun
from .models import ImportBatch


class ImportRefused(Exception):
    """An import the rules refuse; nothing was saved. The message is for the user."""


@transaction.atomic
def import_commit(
    *, dry_run: DryRun, campaign: Campaign, by: User, file_name: str, checksum: str, reserve_if_full: bool
) -> ImportBatch:
    """Enroll the valid rows through the same service as the entry form (the same reach check, the
    same slot rule). Rows beyond a village's slots go to the reserve list or are left out. One refusal
    (a row that changed since the dry run) rolls everything back: no enrollment, no slot taken."""
    batch = ImportBatch.objects.create(
        campaign=campaign,
        uploaded_by=by,
        file_name=file_name[:200],
        checksum=checksum,
        rows=len(dry_run.valid),
    )
    enrolled = []
    for number, values in dry_run.valid:
        try:
            enrollment = enrollment_register(
                campaign=campaign,
                village=values["quota"].village,
                nik=values["nik"],
                declaration={
                    "full_name": values["full_name"],
                    "phone": values.get("phone") or "",
                    "address": values.get("address", ""),
                    "occupation": values["occupation"],
                    "occupation_other": "",
                    "monthly_income": values["monthly_income"],
                    "kk_number": "",
                    "declared_not_hospitalised": True,
                },
                heirs=[None, None],
                funding_source=None,
                entered_by=by,
                reserve_if_full=reserve_if_full,
            )
        except VillageFull:
            batch.left_out += 1
            continue
        except EnrollmentError as refused:
            raise ImportRefused(_("Row %(row)s: %(problem)s") % {"row": number, "problem": refused}) from None
        enrolled.append(enrollment)
        if enrollment.status == Enrollment.Status.RESERVE:
            batch.reserved += 1
        else:
            batch.enrolled += 1
    batch.save(update_fields=["enrolled", "reserved", "left_out"])
    batch.enrollments.set(enrolled)
    return batch


@transaction.atomic
def import_undo(*, batch: ImportBatch, by: User, reason: str) -> int:
    """Cancel the enrollments of an import made today, with a reason; their slots are freed."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.undone_at is not None:
        raise ImportRefused(_("This import has been undone already."))
    if timezone.localtime(batch.uploaded_at).date() != timezone.localdate():
        raise ImportRefused(_("An import can be undone only on the day it was made."))
    if not reason.strip():
        raise ImportRefused(_("Give a reason."))
    cancelled = 0
    for enrollment in batch.enrollments.filter(status__in=Enrollment.OPEN).select_related("village"):
        try:
            enrollment_cancel(enrollment=enrollment, by=by, reason=reason.strip())
        except EnrollmentError as refused:
            raise ImportRefused(f"{enrollment.display_name}: {refused}") from None
        cancelled += 1
    batch.undone_at, batch.undone_by, batch.undo_reason = timezone.now(), by, reason.strip()[:250]
    batch.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    return cancelled
