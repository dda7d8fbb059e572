"""Enrollment writes: taking and giving back village slots together with the enrollment, atomically.

Invariant 1 (DESIGN.md): a slot is taken with one conditional UPDATE (`filled = filled + 1 WHERE
filled < target`) in the transaction that inserts the enrollment; a row count of 0 means the village
is full. Status changes lock the enrollment row first, so two officials clicking "reject" at once
give back one slot, not two.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, FundingSource, Quota
from campaigns.models.quota import Fill
from config.fast_insert import insert_one, insert_one_after
from config.history import record_by
from config.verdicts import Verdict
from regions.models import Region

from .models import Enrollment, Heir, Worker, add_months
from .nearby import KnownNik
from .nik import check_nik, nik_digits
from .rules import (
    AlreadyEnrolled,
    EnrollmentError,
    VillageFull,
    age_problem,
    already_enrolled,
    outside_area,
    village_problem,
)
from .slots import count_move, quota_move, take_slot

KPJ_MAX_LENGTH = 20  # Worker.kpj_number


def _check_can_enroll(
    campaign: Campaign, village: Region, worker: Worker, by: User, on: dt.date, quota: Quota | None = None
) -> Quota:
    # The service checks reach itself, first (an outsider learns nothing of the campaign): a form
    # narrows its choices, but an import or a task calls here too.
    if not by.reaches(village):
        raise EnrollmentError(outside_area(village))
    if problem := campaign.entry_problem(on):
        raise EnrollmentError(problem)
    if quota is None:  # the entry form has read it; the slot itself is taken by one UPDATE below
        quota = Quota.objects.filter(campaign=campaign, village=village).select_related("village").first()
    if problem := village_problem(village, quota, by):
        raise EnrollmentError(problem)
    assert quota is not None  # village_problem says when there is none
    if problem := age_problem(campaign, worker.birth_date, on):
        raise EnrollmentError(problem)
    return quota


def _enroll(
    *,
    campaign: Campaign,
    village: Region,
    worker: Worker,
    declaration: dict[str, Any],
    funding_source: FundingSource | None,
    entered_by: User,
    reserve_if_full: bool,
    renewed_from: Enrollment | None = None,
    quota: Quota | None = None,
    read_not_enrolled: bool = False,
) -> Enrollment:
    """Take a slot (or a reserve place) and insert the enrollment. The caller holds the transaction,
    so the slot and the row commit or roll back together, without a savepoint of their own.
    A `quota` the caller has read is not read again, and leaves with its counters as they are now."""
    quota = _check_can_enroll(campaign, village, worker, entered_by, timezone.localdate(), quota)
    # Not asked again when the caller has read it (a worker created in this transaction, or the entry's
    # KnownNik): one enrolled since is refused by enrollment_enrollment_once_per_campaign.
    if not read_not_enrolled and Enrollment.objects.open_in(campaign).filter(worker=worker).exists():
        raise already_enrolled(worker.pk, campaign, entered_by)
    enrollment = Enrollment(
        campaign=campaign,
        village=village,
        worker=worker,
        funding_source=funding_source,
        status=Enrollment.Status.REGISTERED,
        entered_by=entered_by,
        renewed_from=renewed_from,
        **declaration,
    )
    # The slot and the row in one statement (invariant 1): the row goes in only if a slot was free.
    slot = Quota.objects.count_move_sql(
        **quota_move(campaign.pk, village.pk, None, Enrollment.Status.REGISTERED)
    )
    if fill := insert_one_after(slot, enrollment, by=entered_by):
        quota.filled, quota.target = Fill(*fill)
    elif reserve_if_full:
        enrollment.status = Enrollment.Status.RESERVE
        if moved := count_move(campaign.pk, village.pk, None, enrollment.status):
            quota.filled, quota.target = moved
        insert_one(enrollment, by=entered_by)
    else:
        quota.refresh_from_db(fields=["filled", "target"])
        raise VillageFull(quota)
    return enrollment


def _worker_for(nik: str, by: User, known: KnownNik | None = None) -> tuple[Worker, bool]:
    """The worker with this NIK, created when new (and whether they were). Only identity is stored
    here, and it follows from the NIK itself, so a returning worker is never changed by a sign-up.
    What the entry form has `known` of the NIK is not asked again: a worker created by someone else
    since then ends the insert on the unique NIK, and enrollment_register tries once more."""
    check = check_nik(nik)
    if check.errors:
        raise EnrollmentError(" ".join(check.errors))
    if known is not None and known.nik == check.nik:
        worker = known.worker
    else:
        worker = Worker.objects.filter(nik=check.nik).first()
    if worker is None:
        nik, born, sex = check.identity()
        worker = Worker(nik=nik, birth_date=born, sex=sex)
        insert_one(worker, by=by)
        return worker, True
    return worker, False


def _save_heirs(
    enrollment: Enrollment, heirs: Sequence[dict[str, Any] | None], by: User, *, new: bool = False
) -> None:
    """Heirs by position: changed in place, added, or marked removed; never deleted, so the history
    keeps every earlier heir with who changed them and when. A new enrollment has none to read."""
    current = {heir.position: heir for heir in enrollment.heirs.all()} if not new else {}
    for position, data in enumerate(heirs, start=1):
        heir = current.get(position)
        if data is None:
            if heir is not None and heir.removed_at is None:
                heir.removed_at = timezone.now()
                record_by(heir, by)
                heir.save(update_fields=["removed_at"])
            continue
        fields = {**data, "removed_at": None}
        if heir is None:
            insert_one(Heir(enrollment=enrollment, position=position, **fields), by=by)
            continue
        if all(getattr(heir, name) == value for name, value in fields.items()):
            continue  # unchanged: no history row that says nothing
        for name, value in fields.items():
            setattr(heir, name, value)
        record_by(heir, by)
        heir.save()


def _entry_of(user: User, entry_key: uuid.UUID) -> Enrollment | None:
    earlier = (
        Enrollment.objects.filter(entered_by=user, entry_key=entry_key).select_related("village").first()
    )
    if earlier:
        earlier.replayed = True
    return earlier


def enrollment_register(
    *,
    campaign: Campaign,
    village: Region,
    nik: str,
    declaration: dict[str, Any],
    heirs: list[dict[str, str] | None],
    funding_source: FundingSource | None,
    entered_by: User,
    reserve_if_full: bool = False,
    entry_key: uuid.UUID | None = None,
    quota: Quota | None = None,
    known: KnownNik | None = None,
) -> Enrollment:
    """Record a worker's sign-up: the worker by NIK, what they declared and their heirs, a slot.

    All in one transaction. The declaration (name, phone, address, income, KK, heirs, consent) is
    this enrollment's own; an existing worker's other enrollments are never read or changed. A full
    village raises VillageFull unless `reserve_if_full`, in which case the worker goes on the reserve
    list without a slot. The same NIK entered twice at the same moment ends, through the unique
    constraints, as one enrollment and one AlreadyEnrolled.

    `entry_key` makes the call idempotent (invariant 6): the key of an entry this user already made
    answers with that enrollment, `replayed` set, and creates nothing, however often and however
    concurrently it comes.

    The entry form passes the village's `quota` it has read: it is not read again, and leaves with
    its counters as the slot left them (the page's "53 of 100 filled"), and what it has `known` of
    the NIK (its worker, or none yet).
    """
    if entry_key and (earlier := _entry_of(entered_by, entry_key)):
        return earlier
    consent = {"consent_given_at": timezone.now(), "consent_collected_by": entered_by, "entry_key": entry_key}

    def register_once(known: KnownNik | None) -> Enrollment:
        with transaction.atomic():
            worker, created = _worker_for(nik, entered_by, known)
            read_not_enrolled = created or (
                known is not None and known.worker == worker and not known.may_be_enrolled_in(campaign)
            )
            enrollment = _enroll(
                campaign=campaign,
                village=village,
                worker=worker,
                declaration={**declaration, **consent},
                funding_source=funding_source,
                entered_by=entered_by,
                reserve_if_full=reserve_if_full,
                quota=quota,
                read_not_enrolled=read_not_enrolled,
            )
            _save_heirs(enrollment, heirs, entered_by, new=True)
            return enrollment

    try:
        return register_once(known)
    except AlreadyEnrolled:
        # The same entry sent again while its first send was being saved (a double tap, a retry): the
        # first committed after our check above, and it answers for both.
        if entry_key and (earlier := _entry_of(entered_by, entry_key)):
            return earlier
        raise
    except IntegrityError:
        # Another request created this worker or enrolled this NIK (or sent this very entry) between
        # our check and our insert; everything, the slot included, was rolled back with the transaction.
        if entry_key and (earlier := _entry_of(entered_by, entry_key)):
            return earlier
        worker = Worker.objects.filter(nik=nik_digits(nik)).first()
        if worker is None:
            raise  # not a race on this NIK: a genuine bug, let it be seen
        if Enrollment.objects.open_in(campaign).filter(worker=worker).exists():
            raise already_enrolled(worker.pk, campaign, entered_by) from None
        # The race was over creating the person (for another campaign): they exist now, enroll once more.
        return register_once(None)


@transaction.atomic
def enrollment_update_declaration(
    *, enrollment: Enrollment, declaration: dict[str, Any], heirs: list[dict[str, str] | None], by: User
) -> Enrollment:
    """Correct what was declared at this sign-up while it is still registered (or on the reserve list).

    Only this enrollment changes; the worker's identity and their other enrollments stay as they are.
    """
    enrollment = _locked(enrollment)
    _refuse_unless(enrollment.can_correct(by))
    changed = [name for name, value in declaration.items() if getattr(enrollment, name) != value]
    for name in changed:
        setattr(enrollment, name, declaration[name])
    if changed:
        record_by(enrollment, by)
        enrollment.save(update_fields=changed)
    _save_heirs(enrollment, heirs, by)
    return enrollment


@transaction.atomic
def enrollment_reminders_set(*, enrollment: Enrollment, sms: bool, whatsapp: bool, by: User) -> Enrollment:
    """The channels the worker agrees to be reminded on, from now; kept in the enrollment's history."""
    enrollment = _locked(enrollment)
    _refuse_unless(enrollment.can_change_reminders(by))
    if (enrollment.remind_by_sms, enrollment.remind_by_whatsapp) != (sms, whatsapp):
        enrollment.remind_by_sms, enrollment.remind_by_whatsapp = sms, whatsapp
        record_by(enrollment, by)
        enrollment.save(update_fields=list(Enrollment.REMINDED_BY))
    return enrollment


def _locked(enrollment: Enrollment) -> Enrollment:
    return (
        Enrollment.objects.select_for_update()
        .select_related("worker", "village", "campaign")
        .get(pk=enrollment.pk)
    )


def _save(enrollment: Enrollment, by: User, fields: list[str], was: str | None = None) -> Enrollment:
    """Save a change; one from status `was` moves the quota's counters too (and gives back a slot the
    enrollment stops holding). A change that takes a slot moves them itself first: it may find none."""
    record_by(enrollment, by)
    enrollment.save(update_fields=["status", *fields])
    if was is not None and was != enrollment.status:
        count_move(enrollment.campaign_id, enrollment.village_id, was, enrollment.status)
    return enrollment


def _refuse_unless(verdict: Verdict) -> None:
    """Raise with its reason when the model's named check (`enrollment.can_verify(by)`…) says no."""
    if not verdict:
        raise EnrollmentError(verdict.reason)


@transaction.atomic
def enrollment_verify(*, enrollment: Enrollment, by: User) -> Enrollment:
    enrollment = _locked(enrollment)
    _refuse_unless(enrollment.can_verify(by))
    was = enrollment.status
    enrollment.status, enrollment.verified_by, enrollment.verified_at = (
        Enrollment.Status.VERIFIED,
        by,
        timezone.now(),
    )
    return _save(enrollment, by, ["verified_by", "verified_at"], was)


def _record_kpj(worker: Worker, kpj_number: str, by: User) -> None:
    """One number, one person: a worker keeps their KPJ, and no two workers share one."""
    kpj = "".join(kpj_number.split())
    if not kpj:
        raise EnrollmentError(_("Enter the membership number (KPJ)."))
    if len(kpj) > KPJ_MAX_LENGTH or not kpj.isalnum():
        raise EnrollmentError(
            _("A membership number (KPJ) has at most %(max)s letters and digits.") % {"max": KPJ_MAX_LENGTH}
        )
    if worker.kpj_number == kpj:
        return
    if worker.kpj_number:
        raise EnrollmentError(
            _("This worker already has membership number %(kpj)s; a worker keeps one number.")
            % {"kpj": worker.kpj_number}
        )
    worker.kpj_number = kpj
    record_by(worker, by)
    try:
        with transaction.atomic():  # a savepoint: the unique index says whether another worker has it
            worker.save(update_fields=["kpj_number"])
    except IntegrityError:
        raise EnrollmentError(
            _("Membership number %(kpj)s belongs to another worker.") % {"kpj": kpj}
        ) from None


@transaction.atomic
def enrollment_activate(
    *, enrollment: Enrollment, by: User, kpj_number: str, coverage_starts: dt.date
) -> Enrollment:
    """Record the BPJS membership number (the worker's, kept across campaigns) and the coverage
    period (start + the campaign's months)."""
    enrollment = _locked(enrollment)
    _refuse_unless(enrollment.can_activate(by))
    campaign = enrollment.campaign
    if not campaign.starts_on <= coverage_starts <= campaign.ends_on:
        raise EnrollmentError(
            _("Coverage must start within the campaign's period, %(start)s to %(end)s.")
            % {"start": date_format(campaign.starts_on), "end": date_format(campaign.ends_on)}
        )
    entered_on = timezone.localtime(enrollment.entered_at).date()
    if coverage_starts < entered_on:
        raise EnrollmentError(
            _("Coverage cannot start before the worker was enrolled (%(date)s).")
            % {"date": date_format(entered_on)}
        )
    _record_kpj(enrollment.worker, kpj_number, by)
    was, now = enrollment.status, timezone.now()
    if enrollment.status == Enrollment.Status.REGISTERED:
        enrollment.verified_by, enrollment.verified_at = by, now
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.activated_by, enrollment.activated_at = by, now
    enrollment.coverage_starts = coverage_starts
    enrollment.coverage_ends = add_months(coverage_starts, enrollment.campaign.coverage_months)
    # Nothing paid yet: "paid through" the month before coverage starts (contributions move it on).
    enrollment.paid_through = add_months(coverage_starts.replace(day=1), -1)
    return _save(
        enrollment,
        by,
        [
            "verified_by",
            "verified_at",
            "activated_by",
            "activated_at",
            "coverage_starts",
            "coverage_ends",
            "paid_through",
        ],
        was,
    )


@transaction.atomic
def enrollment_hand_over_card(*, enrollment: Enrollment, by: User, on: dt.date) -> Enrollment:
    enrollment = _locked(enrollment)
    _refuse_unless(enrollment.can_hand_over_card(by))
    enrollment.card_handed_over_on = on
    return _save(enrollment, by, ["card_handed_over_on"])


def _close(enrollment: Enrollment, *, status: str, by: User, reason: str, check: str) -> Enrollment:
    enrollment = _locked(enrollment)
    _refuse_unless(getattr(enrollment, check)(by))
    if not reason.strip():
        raise EnrollmentError(_("Give a reason."))
    was = enrollment.status
    enrollment.status, enrollment.reason = status, reason.strip()
    enrollment.closed_by, enrollment.closed_at = by, timezone.now()
    return _save(enrollment, by, ["reason", "closed_by", "closed_at"], was)


@transaction.atomic
def enrollment_reject(*, enrollment: Enrollment, by: User, reason: str) -> Enrollment:
    """An official refuses an entry (not eligible, wrong data); its slot, if any, is freed."""
    return _close(
        enrollment,
        status=Enrollment.Status.REJECTED,
        by=by,
        reason=reason,
        check="can_reject",
    )


@transaction.atomic
def enrollment_cancel(*, enrollment: Enrollment, by: User, reason: str) -> Enrollment:
    """Withdraw an entry (the worker changed their mind, moved away, died); its slot, if any, is freed."""
    return _close(enrollment, status=Enrollment.Status.CANCELLED, by=by, reason=reason, check="can_cancel")


@transaction.atomic
def enrollment_promote_first_reserve(*, campaign: Campaign, village: Region, by: User) -> Enrollment:
    """Give a freed slot to the first worker on the village's reserve list (entry order)."""
    if not by.reaches(village):
        raise EnrollmentError(outside_area(village))
    quota = Quota.objects.select_related("village").get(campaign=campaign, village=village)
    _refuse_unless(quota.unlocked_for(by))
    first = (
        Enrollment.objects.select_for_update()
        .filter(campaign=campaign, village=village)
        .reserves()
        .select_related("worker")
        .first()
    )
    if first is None:
        raise EnrollmentError(
            _("The reserve list of %(village)s is empty.") % {"village": village.display_name}
        )
    if not take_slot(campaign, village, old=Enrollment.Status.RESERVE):
        quota.refresh_from_db(fields=["filled", "target"])
        raise VillageFull(quota)
    first.status = Enrollment.Status.REGISTERED
    return _save(first, by, [])


def enrollment_renew(*, enrollment: Enrollment, campaign: Campaign, by: User) -> Enrollment:
    """Enroll the same worker in the same village in a later campaign; the quota rules apply as usual.

    The village is the same area, so the new enrollment carries over what was declared there, the
    heirs and the consent, and links back to the one it renews.
    """
    try:
        with transaction.atomic():
            enrollment = _locked(enrollment)
            _refuse_unless(enrollment.can_renew(by))
            declaration = {name: getattr(enrollment, name) for name in Enrollment.DECLARED}
            heirs = [
                {"name": heir.name, "relationship": heir.relationship, "nik": heir.nik}
                for heir in enrollment.heirs.current()
            ]
            renewal = _enroll(
                campaign=campaign,
                village=enrollment.village,
                worker=enrollment.worker,
                declaration={
                    **declaration,
                    "consent_given_at": enrollment.consent_given_at,
                    "consent_collected_by": enrollment.consent_collected_by,
                },
                funding_source=None,
                entered_by=by,
                reserve_if_full=False,
                renewed_from=enrollment,
            )
            _save_heirs(renewal, heirs, by, new=True)
            return renewal
    except IntegrityError:
        raise already_enrolled(enrollment.worker_id, campaign, by) from None


def enrollment_renew_many(
    *, enrollments: Iterable[Enrollment], campaign: Campaign, by: User
) -> tuple[list[Enrollment], list[tuple[Enrollment, str]]]:
    """Renew each into `campaign` in its own transaction, so one refusal (a full village, no quota
    there, already renewed) stops none: the renewed, and the refused with why."""
    renewed, refused = [], []
    for enrollment in enrollments:
        try:
            enrollment_renew(enrollment=enrollment, campaign=campaign, by=by)
        except EnrollmentError as refusal:
            refused.append((enrollment, str(refusal)))
        else:
            renewed.append(enrollment)
    return renewed, refused
