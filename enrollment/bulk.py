"""Many sign-ups at once (a spreadsheet from a village meeting), by the rules of the entry form.

`enrollment_register` takes one worker in some eight queries; a 100,000-row import that way takes
minutes. This does the same checks and the same writes for a whole chunk of rows in a fixed number of
queries (measured in bench/import_commit.py): the reach of the person entering, the campaign open for
entry, the village's quota and sign-off, NIK and age, one open enrollment per worker and campaign, and
slots taken only while free. The caller holds the transaction, so a refusal or a crash anywhere leaves
no enrollment and no slot taken.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, FundingSource, Quota
from config.fast_insert import insert_history, insert_rows
from regions.models import Region

from .models import Enrollment, Heir, Worker
from .nik import check_nik
from .rules import EnrollmentError, age_problem, already_enrolled, declaration_problems, village_problem
from .services import enrollment_activate, enrollment_verify


@dataclass
class Entry:
    """One worker to enroll: where, who by NIK, what they declared, and their heir."""

    village: Region
    nik: str
    declaration: dict[str, Any]
    heir: dict[str, str] | None = None
    funding_source: FundingSource | None = None


class Registered(NamedTuple):
    """An entry saved: its enrollment's id and status (registered, or reserve when the village was full)."""

    pk: int
    status: str


@dataclass
class EntryRefused(EnrollmentError):
    """Entry number `index` (0-based, in the order given) is refused; nothing was saved."""

    index: int
    message: str | Promise = field(default="")

    def __str__(self) -> str:
        return str(self.message)  # a lazy translation from the rules (the campaign closed, say)


def enrollment_register_many(
    *, campaign: Campaign, entries: list[Entry], entered_by: User, reserve_if_full: bool
) -> list[Registered | None]:
    """Enroll every entry, in order: a slot while the village has one, then the reserve list (or left
    out, None, when `reserve_if_full` is false). Raises EntryRefused for the first entry the rules
    refuse. Call inside a transaction. Says what was saved, not model instances: building those was
    a tenth of a 100,000-row import's commit, for callers that need the id and the status."""
    today, now = timezone.localdate(), timezone.now()
    if problem := campaign.entry_problem(today):
        raise EntryRefused(0, problem)
    quotas = _quotas(campaign, entries, entered_by)
    workers = _workers(campaign, entries, entered_by, today)
    statuses = _take_slots(campaign, entries, quotas, reserve_if_full)
    rows = [
        {
            "campaign_id": campaign.pk,
            "village_id": entry.village.pk,
            "worker_id": workers[entry.nik],
            "funding_source_id": entry.funding_source.pk if entry.funding_source else None,
            "status": str(status),
            "entered_by_id": entered_by.pk,
            "consent_given_at": now,
            "consent_collected_by_id": entered_by.pk,
            **entry.declaration,
        }
        for entry, status in zip(entries, statuses, strict=True)
        if status is not None
    ]
    rows = insert_rows(Enrollment, rows, now)
    insert_history(Enrollment, rows, by=entered_by, now=now)
    created = (Registered(row["id"], row["status"]) for row in rows)
    saved = [None if status is None else next(created) for status in statuses]
    heirs = [
        {"enrollment_id": registered.pk, "position": 1, **entry.heir}
        for entry, registered in zip(entries, saved, strict=True)
        if registered is not None and entry.heir
    ]
    insert_history(Heir, insert_rows(Heir, heirs, now), by=entered_by, now=now)
    return saved


def _quotas(campaign: Campaign, entries: list[Entry], by: User) -> dict[int, Quota]:
    """The villages' quotas, each in the enterer's reach and not signed off above them."""
    quotas = {
        quota.village_id: quota
        for quota in Quota.objects.filter(
            campaign=campaign, village_id__in={entry.village.pk for entry in entries}
        ).select_related("village")
    }
    asked: set[int] = set()  # each village once: a chunk of 2,000 rows names a few dozen
    for index, entry in enumerate(entries):
        if entry.village.pk in asked:
            continue
        asked.add(entry.village.pk)
        # The same rule as the form's service (reach, a quota, a list not signed off above them).
        if problem := village_problem(entry.village, quotas.get(entry.village.pk), by):
            raise EntryRefused(index, problem)
    return quotas


def _workers(campaign: Campaign, entries: list[Entry], by: User, today: dt.date) -> dict[str, int]:
    """The workers' ids by NIK, the new ones created; each NIK valid, of age, once in the entries, and not
    already enrolled in the campaign."""
    checks: dict[str, tuple[dt.date, str]] = {}  # each NIK's birth date and sex
    for index, entry in enumerate(entries):
        check = check_nik(entry.nik, today=today)
        if check.errors:
            raise EntryRefused(index, " ".join(check.errors))
        if entry.nik in checks:
            raise EntryRefused(index, _("This NIK is entered twice."))
        _nik, born, sex = check.identity()
        if problem := age_problem(campaign, born, today):
            raise EntryRefused(index, problem)
        if problems := declaration_problems(entry.declaration):
            raise EntryRefused(index, "; ".join(message for _field, message in problems))
        checks[entry.nik] = (born, sex)
    workers = {nik or "": pk for nik, pk in Worker.objects.filter(nik__in=checks).values_list("nik", "pk")}
    new = [
        {"nik": nik, "birth_date": born, "sex": sex}
        for nik, (born, sex) in checks.items()
        if nik not in workers
    ]
    now = timezone.now()
    created = insert_rows(Worker, new, now)
    insert_history(Worker, created, by=by, now=now)
    # Only a worker known before can be enrolled already: in a first import that is none of them.
    enrolled = set(
        Enrollment.objects.open_in(campaign)
        .filter(worker_id__in=workers.values())
        .order_by()
        .values_list("worker__nik", flat=True)
    ) if workers else set()  # fmt: skip
    workers.update({row["nik"]: row["id"] for row in created})
    for index, entry in enumerate(entries):
        if entry.nik in enrolled:
            raise EntryRefused(index, str(already_enrolled(workers[entry.nik], campaign, by)))
    return workers


def _take_slots(
    campaign: Campaign, entries: list[Entry], quotas: dict[int, Quota], reserve_if_full: bool
) -> list[str | None]:
    """Each entry's status, in order: registered while its village has a free slot, then reserve (or
    None). The slots are taken on the quotas' side (QuotaQuerySet.take_many), all in one UPDATE."""
    wanted: dict[int, int] = defaultdict(int)
    for entry in entries:
        wanted[quotas[entry.village.pk].pk] += 1
    taken = Quota.objects.take_many(wanted, reserve_if_full=reserve_if_full)
    if taken is None:  # SQLite has no row locks; another writer filled one between: refuse, retry
        raise EntryRefused(0, _("The slots changed while importing. Run the import again."))
    statuses: list[str | None] = []
    for entry in entries:
        quota_id = quotas[entry.village.pk].pk
        if taken[quota_id] > 0:
            taken[quota_id] -= 1
            statuses.append(Enrollment.Status.REGISTERED)
        elif reserve_if_full:
            statuses.append(Enrollment.Status.RESERVE)
        else:
            statuses.append(None)
    return statuses


def enrollment_review_many(
    *,
    enrollments: Iterable[Enrollment],
    by: User,
    activate: bool,
    kpj_for: Callable[[Enrollment], str],
    coverage_starts: dt.date,
) -> tuple[int, list[tuple[Enrollment, str]]]:
    """Verify (or activate, with each one's KPJ) each in its own transaction, so one refusal stops
    none: how many were done, and the refused with why."""
    done, refused = 0, []
    for enrollment in enrollments:
        try:
            if activate:
                enrollment_activate(
                    enrollment=enrollment,
                    by=by,
                    kpj_number=kpj_for(enrollment),
                    coverage_starts=coverage_starts,
                )
            else:
                enrollment_verify(enrollment=enrollment, by=by)
        except EnrollmentError as refusal:
            refused.append((enrollment, str(refusal)))
        else:
            done += 1
    return done, refused
