"""One person entered as two workers (a mistyped NIK): the official merges them, and one worker keeps
the enrollments of both, with their declarations, heirs and history. Entered twice in one campaign,
the entry less far along is cancelled (its slot freed) and kept, cancelled, with the rest. Nothing of either is lost: the
enrollments move (each move in their history), the KPJ moves when only the other had one, and the
worker who goes is kept in the workers' history with the NIK it was entered under."""

from __future__ import annotations

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from accounts.models import User

from .models import Enrollment, Worker
from .rules import EnrollmentError
from .services import enrollment_cancel

# How far along an open enrollment is: of one person's two in a campaign, the further one stays.
PROGRESS: dict[str, int] = {
    Enrollment.Status.RESERVE: 0, Enrollment.Status.REGISTERED: 1, Enrollment.Status.VERIFIED: 2,
}  # fmt: skip


def entered_twice(keep: Worker, absorb: Worker) -> list[Enrollment]:
    """Where both are open in one campaign (the same person entered twice under two NIKs), the entry
    the merge cancels: the less far along, or the later entered of two alike."""
    by_campaign: dict[int, list[Enrollment]] = {}
    for enrollment in Enrollment.objects.filter(
        worker__in=[keep, absorb], status__in=Enrollment.OPEN
    ).order_by("entered_at", "pk"):
        by_campaign.setdefault(enrollment.campaign_id, []).append(enrollment)
    return [
        sorted(both, key=lambda e: -PROGRESS.get(e.status, 3))[1]
        for both in by_campaign.values()
        if len(both) == 2
    ]


def merge_problem(keep: Worker, absorb: Worker, by: User) -> str | None:
    """Why these two cannot be merged by `by`, or None."""
    if keep.pk == absorb.pk:
        return _("This is one worker already.")
    both = Enrollment.objects.filter(worker__in=[keep, absorb])
    if both.exclude(pk__in=Enrollment.objects.for_user(by)).exists():
        return _("One of them is enrolled outside your area: their officials decide together.")
    if any(twice.status == Enrollment.Status.ACTIVE for twice in entered_twice(keep, absorb)):
        return _(
            "Both are BPJS members through the same campaign: ask the BPJS branch which membership stays."
        )
    if keep.kpj_number and absorb.kpj_number and keep.kpj_number != absorb.kpj_number:
        return _("Each has a KPJ number of its own: ask the BPJS branch which one stays.")
    return None


@transaction.atomic
def worker_merge(*, keep: Worker, absorb: Worker, by: User) -> int:
    """Move `absorb`'s enrollments to `keep` and remove `absorb`; the number of enrollments moved."""
    keep = Worker.objects.select_for_update().get(pk=keep.pk)
    absorb = Worker.objects.select_for_update().get(pk=absorb.pk)
    if problem := merge_problem(keep, absorb, by):
        raise EnrollmentError(problem)
    for twice in entered_twice(keep, absorb):  # once per campaign: the second entry withdrawn, its slot freed
        enrollment_cancel(
            enrollment=twice, by=by,
            reason=_("Entered twice under two NIKs: merged with the other entry of the same person."),
        )  # fmt: skip
    moved = list(Enrollment.objects.filter(worker=absorb))
    for enrollment in moved:  # saved one by one: each move is in the enrollment's history
        enrollment.worker = keep
        enrollment.save(update_fields=["worker"])
    if absorb.kpj_number and not keep.kpj_number:
        kpj, absorb.kpj_number = absorb.kpj_number, None
        absorb.save(update_fields=["kpj_number"])  # the KPJ is unique: free it first
        keep.kpj_number = kpj
        keep.save(update_fields=["kpj_number"])
    try:
        absorb.delete()  # kept in Worker's history, with the NIK it was entered under
    except ProtectedError:
        raise EnrollmentError(
            _(
                "The other worker has a benefit claim or pays their own bills: merge them in the administration."
            )
        ) from None
    return len(moved)
