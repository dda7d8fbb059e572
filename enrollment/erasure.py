"""Erasure of personal data (UU 27/2022), on a worker's request or when a campaign's purpose has ended.

What identifies a person goes from the live tables and from the history tables: the declared name,
phone, address and KK number, the heirs, and (once none of their enrollments keeps a declaration)
the NIK and KPJ. The enrollment rows stay with their campaign, village, status and dates, so every
count, quota and total stays exactly as it was. The erasure is recorded: who, when and why, not what.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign

from .models import Enrollment, Erasure, Heir, Worker
from .services import EnrollmentError


def _erase(enrollments: QuerySet[Enrollment], *, by: User | None, reason: str) -> Erasure:
    rows = list(enrollments.filter(erasure__isnull=True).values_list("pk", "worker_id"))
    ids, worker_ids = [pk for pk, _worker in rows], {worker for _pk, worker in rows}
    erasure = Erasure.objects.create(erased_by=by, reason=reason, enrollment_count=len(ids))
    # Queryset updates on purpose: saving the models would write one more history row with the data.
    Enrollment.objects.filter(pk__in=ids).update(erasure=erasure, **Enrollment.IDENTIFYING)
    Enrollment.history.filter(id__in=ids).update(erasure=erasure, **Enrollment.IDENTIFYING)
    heir_ids = list(Heir.objects.filter(enrollment_id__in=ids).values_list("pk", flat=True))
    Heir.objects.filter(pk__in=heir_ids).delete()
    Heir.history.filter(id__in=heir_ids).delete()  # after: the delete itself wrote history rows
    # The identity goes once no enrollment of the person keeps a declaration (anywhere: an area that
    # still holds one keeps the NIK it needs to match the BPJS branch's list).
    unerased = Enrollment.objects.filter(worker=OuterRef("pk"), erasure__isnull=True)
    gone = list(
        Worker.objects.filter(pk__in=worker_ids).exclude(Exists(unerased)).values_list("pk", flat=True)
    )
    Worker.objects.filter(pk__in=gone).update(nik=None, kpj_number=None)
    Worker.history.filter(id__in=gone).update(nik=None, kpj_number=None)
    return erasure


# Apps a floor above that hold the same person by NIK (targeting's lists and visits) register how to
# erase them with the worker, inside `by`'s reach: one erasure on request reaches all of it.
ALSO_ERASE: list[Callable[[str, User], None]] = []


@transaction.atomic
def worker_erase(*, enrollment: Enrollment, by: User, reason: str) -> Erasure:
    """Erase a person on their request: every enrollment of theirs that `by` reaches.

    Enrollments in other areas are not `by`'s to change (DESIGN.md invariant 4); their officials
    erase them on the same request.
    """
    if not (verdict := enrollment.can_erase(by)):
        raise EnrollmentError(verdict.reason)
    if not reason.strip():
        raise EnrollmentError(_("Give a reason."))
    in_reach = Enrollment.objects.for_user(by).filter(worker_id=enrollment.worker_id)
    nik = enrollment.worker.nik  # read before the erasure may blank it
    erasure = _erase(in_reach, by=by, reason=reason.strip())
    if nik:
        for erase_also in ALSO_ERASE:
            erase_also(nik, by)
    return erasure


def closed_before(day: dt.date) -> QuerySet[Enrollment]:
    """Enrollments still holding personal data in campaigns closed before `day`."""
    return Enrollment.objects.filter(
        campaign__status=Campaign.Status.CLOSED, campaign__closed_at__date__lt=day, erasure__isnull=True
    )


@transaction.atomic
def personal_data_purge(*, closed_before_day: dt.date) -> Erasure:
    """Erase the personal data of campaigns whose purpose has ended (closed before the day)."""
    return _erase(
        closed_before(closed_before_day),
        by=None,
        reason=_("Retention: campaign closed before %(day)s") % {"day": closed_before_day.isoformat()},
    )
