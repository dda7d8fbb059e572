"""Matching the BPJS branch office's list of the workers it registered against ours, on NIK.

The branch sends at least NIK and name; usually the KPJ number, a status and a month paid up to. Some
branches do not share KPJ numbers, so the NIK is the key. Every row of the list falls in one category,
and so does every verified or active enrollment of the area that the list lacks. Nothing changes until
an official confirms; then the ready rows are activated through `enrollment_activate`, the same service
as the activation form, and the confirmation can be undone the same day.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import islice

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from config.history import record_by
from enrollment.models import Enrollment, Worker
from enrollment.nik import check_nik, mask_nik
from enrollment.services import EnrollmentError, enrollment_activate
from enrollment.slots import count_move

from .checks import MissingColumns
from .models import ImportBatch
from .reading import ImportFileError, Table, clean_nik, parse_date
from .services import ImportRefused, load_table, locked_for_undo, record_failure, record_progress

REQUIRED = ("nik", "full_name")
CHUNK = 5000  # rows matched together: each chunk reads the area once, so fewer is faster
EXAMPLES = 50  # rows kept per category for the page; the download lists them all

CATEGORIES = {
    "consistent": gettext_lazy("Matched and consistent"),
    "ready": gettext_lazy("Matched, verified, ready to activate"),
    "unverified": gettext_lazy("Matched, not verified yet (activated only if ticked)"),
    "waiting": gettext_lazy("Matched, needs a step first"),
    "unknown": gettext_lazy("On the list but not in Desa100"),
    "missing": gettext_lazy("In Desa100 but missing from the list"),
    "conflict": gettext_lazy("Conflicts"),
}
TITLES = re.compile(r"\b(h|hj|hajjah|haji|drs|dr|ir|s\s?pd|s\s?e|s\s?h|amd|bin|binti)\b")


@dataclass
class Match:
    row: int  # 0: not on the list
    category: str
    nik: str
    name: str
    note: str = ""
    enrollment_id: int | None = None
    kpj: str = ""


def same_person_name(ours: str, theirs: str) -> bool:
    """Names that differ only in spelling, titles, accents or an added family name are the same."""
    if ours.casefold() == theirs.casefold():  # most lists: the same name, in capitals
        return True
    a, b = _plain(ours), _plain(theirs)
    if not a or not b or a == b:
        return True
    if SequenceMatcher(None, a, b).ratio() >= 0.8:
        return True
    shorter, longer = sorted((a.split(), b.split()), key=len)
    return shorter[0] == longer[0] and set(shorter) <= set(longer)


def _plain(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = TITLES.sub(" ", re.sub(r"[^a-z\s]", " ", text))
    return " ".join(text.split())


def match(batch: ImportBatch, table: Table) -> Iterator[Match]:
    """Every row of the list, then every verified or active enrollment the list lacks."""
    if missing := table.missing(REQUIRED):
        raise MissingColumns(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    assert batch.region is not None  # a branch list is uploaded for an area (UploadForm requires it)
    ours = (
        Enrollment.objects.for_user(batch.uploaded_by)
        .filter(campaign=batch.campaign, village__code__startswith=batch.region.code)
        .filter(status__in=Enrollment.SLOT_HOLDING)
    )
    listed: set[str] = set()
    records, today = table.records(), timezone.localdate()
    while chunk := list(islice(records, CHUNK)):
        niks = {clean_nik(record.get("nik", "")) for _, record in chunk}
        listed |= niks
        # Plain tuples, not model instances; and the workers found by NIK first, so that the area's
        # enrollments are filtered by worker id as they are read (4x faster than joining on the NIK).
        workers = {
            pk: (nik, kpj)
            for pk, nik, kpj in Worker.objects.filter(nik__in=niks).values_list("pk", "nik", "kpj_number")
        }
        found = {
            workers[worker][0]: Ours(pk, status, name, workers[worker][1])
            for worker, pk, status, name in ours.filter(worker_id__in=workers)
            .order_by()
            .values_list("worker_id", "pk", "status", "full_name")
        }
        kpjs = {_kpj(record) for _, record in chunk} - {""}
        owners = dict(Worker.objects.filter(kpj_number__in=kpjs).values_list("kpj_number", "nik"))
        for number, record in chunk:
            yield _categorise(number, record, found, owners, today)
    for pk, nik, name in (
        ours.filter(status__in=[Enrollment.Status.VERIFIED, Enrollment.Status.ACTIVE])
        .values_list("pk", "worker__nik", "full_name")
        .iterator(chunk_size=5000)
    ):
        if nik not in listed:
            yield Match(0, "missing", nik, name, _("verified or active here, not on the branch's list"), pk)


def _kpj(record: dict[str, str]) -> str:
    """The membership number as the branch typed it, spaces dropped ("2501 1000 001")."""
    return "".join(record.get("kpj_number", "").split())


@dataclass
class Ours:
    """What Desa100 holds for a NIK on the list: its enrollment in the campaign and area."""

    pk: int
    status: str
    full_name: str
    kpj_number: str | None


def _categorise(number: int, record: dict[str, str], found: dict, owners: dict, today: dt.date) -> Match:
    nik, name = clean_nik(record.get("nik", "")), record.get("full_name", "").strip()
    kpj = _kpj(record)
    check = check_nik(nik, today=today)
    if not check.valid:
        return Match(
            number, "conflict", nik, name, _("not a valid NIK: %(why)s") % {"why": "; ".join(check.errors)}
        )
    if (written := record.get("birth_date", "").strip()) and parse_date(written) != check.birth_date:
        return Match(number, "conflict", nik, name, _("the birth date does not match the NIK"))
    if kpj and owners.get(kpj, nik) != nik:
        return Match(number, "conflict", nik, name, _("KPJ %(kpj)s belongs to another worker") % {"kpj": kpj})
    enrollment = found.get(nik)
    if enrollment is None:
        return Match(number, "unknown", nik, name, _("not enrolled in this campaign in this area"))
    result = Match(number, "", nik, name, enrollment_id=enrollment.pk, kpj=kpj or enrollment.kpj_number or "")
    if not same_person_name(enrollment.full_name, name):
        result.category, result.note = (
            "conflict",
            _("the name here is %(name)s") % {"name": enrollment.full_name},
        )
    elif kpj and enrollment.kpj_number and kpj != enrollment.kpj_number:
        result.category = "conflict"
        result.note = _("our KPJ is %(kpj)s") % {"kpj": enrollment.kpj_number}
    elif enrollment.status == Enrollment.Status.ACTIVE:
        result.category = "consistent"
    elif not result.kpj:
        result.category, result.note = (
            "waiting",
            _("no KPJ number: activate by hand once the branch gives one"),
        )
    elif enrollment.status == Enrollment.Status.VERIFIED:
        result.category = "ready"
    elif enrollment.status == Enrollment.Status.REGISTERED:
        # Not checked by an official yet: the branch's list alone does not make it right.
        result.category, result.note = "unverified", _("registered, not verified")
    else:
        result.category, result.note = "waiting", _("on the reserve list")
    return result


def reconcile_check(batch: ImportBatch) -> ImportBatch:
    """Match the list and keep the counts per category, with the first rows of each for the page."""
    record_progress(batch, state=ImportBatch.State.CHECKING, error="", progress=0)
    try:
        table = load_table(batch)
        counts = dict.fromkeys(CATEGORIES, 0)
        examples: dict[str, list] = {name: [] for name in CATEGORIES}
        for done, found in enumerate(match(batch, table), start=1):
            counts[found.category] += 1
            if len(examples[found.category]) < EXAMPLES:
                examples[found.category].append(
                    [found.row, mask_nik(found.nik), found.name, found.note, found.enrollment_id]
                )
            if done % CHUNK == 0:
                record_progress(batch, progress=done)
    except MissingColumns as problem:
        record_failure(batch, str(problem), ImportBatch.State.MAPPING)
        return batch
    except ImportFileError as problem:
        record_failure(batch, str(problem))
        return batch
    record_progress(
        batch,
        state=ImportBatch.State.CHECKED,
        rows=len(table.rows),
        valid=counts["ready"],
        summary={"counts": counts, "examples": examples},
        warnings=[[0, "", text] for text in table.warnings],
    )
    return batch


def reconcile_commit(
    batch: ImportBatch, *, by: User, coverage_starts: dt.date, unverified: frozenset[int] = frozenset()
) -> ImportBatch:
    """Activate every ready (verified) row, and of the rows not verified yet those the official named
    (`unverified`, enrollment ids), with their KPJ and coverage start, all or nothing; remember each
    one's status and KPJ before, for the same-day undo."""
    if (
        batch.state not in (ImportBatch.State.CHECKED, ImportBatch.State.COMMITTING)
        or batch.uploaded_by_id != by.pk
    ):
        raise ImportRefused(_("This list is not waiting for your confirmation."))
    record_progress(batch, state=ImportBatch.State.COMMITTING, progress=0, error="")
    try:
        before = _activate_ready(batch, by, coverage_starts, unverified)
    except ImportRefused as refused:
        record_failure(batch, str(refused))
        raise
    summary = {**batch.summary, "before": before}
    record_progress(
        batch,
        state=ImportBatch.State.DONE,
        committed_at=timezone.now(),
        enrolled=len(before),
        summary=summary,
    )
    return batch


@transaction.atomic
def _activate_ready(
    batch: ImportBatch, by: User, coverage_starts: dt.date, unverified: frozenset[int]
) -> list:
    before, ids = [], []
    for found in match(batch, load_table(batch)):
        if not (
            found.category == "ready"
            or (found.category == "unverified" and found.enrollment_id in unverified)
        ):
            continue
        enrollment = Enrollment.objects.select_related("worker").get(pk=found.enrollment_id or 0)
        state = [enrollment.pk, enrollment.status, enrollment.worker.kpj_number or ""]
        entered_on = timezone.localtime(enrollment.entered_at).date()
        try:
            enrollment_activate(
                enrollment=enrollment,
                by=by,
                kpj_number=found.kpj,
                coverage_starts=max(coverage_starts, entered_on),
            )
        except EnrollmentError as refused:
            raise ImportRefused(
                _("Row %(row)s: %(problem)s") % {"row": found.row, "problem": refused}
            ) from None
        before.append(state)
        ids.append(enrollment.pk)
    ImportBatch.enrollments.through.objects.bulk_create(
        [ImportBatch.enrollments.through(importbatch_id=batch.pk, enrollment_id=pk) for pk in ids]
    )
    return before


@transaction.atomic
def reconcile_undo(*, batch: ImportBatch, by: User, reason: str) -> int:
    """Put the enrollments a confirmed list activated back as they were: status, KPJ, coverage."""
    batch = locked_for_undo(batch, reason)
    for pk, status, kpj in batch.summary.get("before", []):
        enrollment = Enrollment.objects.select_for_update().select_related("worker").get(pk=pk)
        if enrollment.status != Enrollment.Status.ACTIVE or enrollment.contributions.exists():
            raise ImportRefused(
                _("%(name)s has changed since (payments or a status): undo it by hand.")
                % {"name": enrollment.display_name}
            )
        enrollment.status = status
        enrollment.activated_by = enrollment.activated_at = None
        enrollment.coverage_starts = enrollment.coverage_ends = enrollment.paid_through = None
        if status == Enrollment.Status.REGISTERED:
            enrollment.verified_by = enrollment.verified_at = None
        record_by(enrollment, by)
        enrollment.save()
        count_move(enrollment.campaign_id, enrollment.village_id, Enrollment.Status.ACTIVE, status)
        if enrollment.worker.kpj_number != (kpj or None):
            enrollment.worker.kpj_number = kpj or None
            record_by(enrollment.worker, by)
            enrollment.worker.save(update_fields=["kpj_number"])
    batch.undone_at, batch.undone_by, batch.undo_reason = timezone.now(), by, reason.strip()[:250]
    batch.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    return len(batch.summary.get("before", []))
