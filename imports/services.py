"""An import's life: uploaded, checked (the dry run), committed all or nothing, undone the same day.

The check and the commit run in the request for a small file and in a background job for a large one
(imports.tasks); both call the functions here. The commit checks every row again, because the campaign
may have changed since the dry run, and enrolls through `enrollment_register_many`, which holds the
same rules as the entry form.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable

from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign
from config.ahead import one_ahead
from config.fast_insert import insert_rows
from enrollment.bulk import Entry, EntryRefused, enrollment_register_many
from enrollment.models import Enrollment
from enrollment.services import EnrollmentError, enrollment_cancel
from regions.codes import LENGTH_BY_LEVEL
from regions.models import Region

from . import checks
from .checks import Checker, MissingColumns
from .kinds import aliases_for
from .models import ColumnMapping, ImportBatch
from .reading import ImportFileError, Table, read_table

State = ImportBatch.State
logger = logging.getLogger(__name__)


class ImportRefused(Exception):
    """An import the rules refuse; nothing was saved. The message is for the user."""


def import_upload(
    *,
    kind: str,
    campaign: Campaign | None,
    data: bytes,
    file_name: str,
    by: User,
    reserve_if_full: bool = True,
    region: Region | None = None,
) -> ImportBatch:
    """Record an uploaded file, to be checked next. The file is kept with the import (outside the
    public static files) until `prune_imports` deletes it."""
    checksum = hashlib.sha256(data).hexdigest()
    batch = ImportBatch(
        kind=kind,
        campaign=campaign,
        region=region,
        uploaded_by=by,
        file_name=file_name[:200],
        checksum=checksum,
        reserve_if_full=reserve_if_full,
        heartbeat_at=timezone.now(),
    )
    batch.file.save(f"{checksum[:16]}.bin", ContentFile(data), save=False)
    batch.save()
    return batch


def shape_of(table: Table) -> str:
    return hashlib.sha256("\x1f".join(table.headers).lower().encode()).hexdigest()


def load_table(batch: ImportBatch) -> Table:
    """The batch's file as a table, its columns read as the user mapped them, or as they mapped a file
    of the same shape before."""
    with batch.file.open("rb") as stored:
        table = read_table(stored.read(), batch.file_name, aliases_for(batch.kind))
    fields = batch.mapping
    if not fields:
        remembered = ColumnMapping.objects.filter(shape=shape_of(table)).first()
        fields = remembered.fields if remembered else None
    if fields and len(fields) == len(table.headers):
        table.fields = [name or None for name in fields]
    return table


def save_mapping(*, batch: ImportBatch, fields: list[str | None], by: User) -> None:
    """Use this mapping for the batch and remember it for the next file with the same headers."""
    table = load_table(batch)
    batch.mapping = [name or "" for name in fields]
    batch.state, batch.error = State.CHECKING, ""
    batch.save(update_fields=["mapping", "state", "error"])
    ColumnMapping.objects.update_or_create(
        shape=shape_of(table), defaults={"headers": table.headers, "fields": batch.mapping, "saved_by": by}
    )


def record_progress(batch: ImportBatch, **fields) -> None:
    """Progress, written at once (outside any transaction) for the page that polls it."""
    fields["heartbeat_at"] = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(**fields)
    for name, value in fields.items():
        setattr(batch, name, value)


def record_failure(batch: ImportBatch, message: str, state: str = State.FAILED) -> None:
    record_progress(batch, state=state, error=message)


def _checker(batch: ImportBatch, table: Table, *, warn: bool = True) -> Checker:
    return Checker(
        table, campaign=batch.for_campaign, user=batch.uploaded_by, today=timezone.localdate(), warn=warn
    )


def import_check(batch: ImportBatch, progress: Callable[[int, int], None] | None = None) -> ImportBatch:
    """The dry run: every row checked, nothing saved. Problems and warnings are kept with the batch
    (row, column, message) for the preview and the errors download."""
    record_progress(batch, state=State.CHECKING, error="", progress=0)
    try:
        table = load_table(batch)
        checker = _checker(batch, table)
    except MissingColumns as problem:  # the user maps the columns on the page, then it runs again
        record_failure(batch, str(problem), State.MAPPING)
        return batch
    except ImportFileError as problem:
        record_failure(batch, str(problem))
        return batch
    valid, problems, warnings, codes = 0, [], [], set[str]()
    for chunk in checker.chunks():
        valid += len(chunk.valid)
        codes.update(values["quota"].village.code for _, values in chunk.valid)
        problems += [[p.row, p.column, p.message] for p in chunk.problems]
        warnings += [[p.row, p.column, p.message] for p in chunk.warnings]
        record_progress(batch, progress=checker.done)
        if progress:
            progress(checker.done, len(table.rows))
    record_progress(
        batch,
        state=State.CHECKED,
        rows=len(table.rows),
        valid=valid,
        problems=problems,
        warnings=[[0, "", text] for text in table.warnings] + warnings,
        region=Region.objects.filter(code=_common_code(codes)).first() if codes else None,
    )
    return batch


def _common_code(codes: set[str]) -> str:
    """The code of the smallest region holding every one of these villages (codes are fixed width)."""
    for length in sorted(LENGTH_BY_LEVEL.values(), reverse=True):
        if len({code[:length] for code in codes}) == 1:
            return next(iter(codes))[:length]
    return ""


def claim_for_saving(batch: ImportBatch, *, queued: bool = False) -> None:
    """Mark the batch as being saved, or refuse: of a double click, two tabs or two officials' clicks,
    one save wins and the others are told, and no batch is saved twice. A click claims a checked
    batch; the job it queued (`queued`) then finds it claimed."""
    waiting = (State.CHECKED, State.COMMITTING) if queued else (State.CHECKED,)
    claimed = ImportBatch.objects.filter(
        pk=batch.pk, state__in=waiting, committed_at__isnull=True, undone_at__isnull=True
    ).update(state=State.COMMITTING, progress=0, error="", heartbeat_at=timezone.now())
    if not claimed:
        batch.refresh_from_db()
        if batch.state in (State.COMMITTING, State.DONE):
            raise AlreadySaved(_("This import has been saved already."))
        raise ImportRefused(_("This import is not waiting to be saved."))
    batch.state = State.COMMITTING


def import_commit(
    batch: ImportBatch, *, by: User, progress: Callable[[int, int], None] | None = None
) -> ImportBatch:
    """Enroll the valid rows, all or nothing: rows beyond a village's slots go to the reserve list or
    are left out, as the uploader chose. One refusal, or a crash, rolls everything back."""
    if batch.uploaded_by_id != by.pk:
        raise ImportRefused(_("Only the person who uploaded the file can save it."))
    claim_for_saving(batch, queued=True)
    # The next chunk is checked while this one is written (config.ahead), on PostgreSQL and when no
    # outer transaction holds rows that the checking thread's own connection could not see.
    ahead = connection.vendor == "postgresql" and not connection.in_atomic_block
    try:
        _commit_rows(batch, by, progress, ahead=ahead)
    except AlreadySaved:
        batch.refresh_from_db()
        raise
    except (ImportRefused, ImportFileError) as refused:
        record_failure(batch, str(refused))
        raise ImportRefused(str(refused)) from None
    except DatabaseError:
        # The dry run mirrors every constraint, so this is a bug; the user still learns that nothing
        # was saved and what to do (the exception, with whatever NIK it names, goes to the log).
        logger.exception("import %s: the database refused the commit", batch.pk)
        record_failure(batch, _("The database refused a row; nothing was saved. Check the file again."))
        raise ImportRefused(batch.error) from None
    return batch


class AlreadySaved(ImportRefused):
    """Another save of the same batch got there first."""


@transaction.atomic
def _commit_rows(
    batch: ImportBatch, by: User, progress: Callable[[int, int], None] | None, *, ahead: bool
) -> None:
    """Every valid row enrolled and the batch marked saved in one transaction, the batch's row locked
    first: a second save of the same batch waits here, then finds it saved."""
    # Lock the row whatever it holds (a filter on committed_at would lock nothing while it is empty).
    if ImportBatch.objects.select_for_update().only("committed_at").get(pk=batch.pk).committed_at:
        raise AlreadySaved(_("This import has been saved already."))
    table = load_table(batch)
    counts = {"enrolled": 0, "reserved": 0, "left_out": 0, "valid": 0}
    problems, links = [], []
    link = ImportBatch.enrollments.through
    checker = _checker(batch, table, warn=False)
    chunks = checker.chunks()
    for chunk in one_ahead(chunks) if ahead and len(table.rows) > checks.CHUNK else chunks:
        if progress:
            progress(checker.done, len(table.rows))
        problems += [[p.row, p.column, p.message] for p in chunk.problems]
        if not chunk.valid:
            continue
        entries = [_entry(values) for _, values in chunk.valid]
        try:
            enrolled = enrollment_register_many(
                campaign=batch.for_campaign,
                entries=entries,
                entered_by=by,
                reserve_if_full=batch.reserve_if_full,
            )
        except EntryRefused as refused:
            row = chunk.valid[refused.index][0]
            raise ImportRefused(_("Row %(row)s: %(problem)s") % {"row": row, "problem": refused}) from None
        counts["valid"] += len(entries)
        for enrollment in enrolled:
            if enrollment is None:
                counts["left_out"] += 1
                continue
            counts["reserved" if enrollment.status == Enrollment.Status.RESERVE else "enrolled"] += 1
            links.append({"importbatch_id": batch.pk, "enrollment_id": enrollment.pk})
    insert_rows(link, links, timezone.now())
    # Rows that turned bad since the dry run (enrolled meanwhile by someone else) are not imported.
    record_progress(
        batch, state=State.DONE, committed_at=timezone.now(), progress=batch.rows, problems=problems, **counts
    )


def _entry(values: dict) -> Entry:
    return Entry(
        village=values["quota"].village,
        nik=values["nik"],
        declaration={
            "full_name": values["full_name"],
            "phone": values.get("phone") or "",
            "address": values.get("address", ""),
            "occupation": values["occupation"],
            "occupation_other": values.get("occupation_other", ""),
            "monthly_income": values["monthly_income"],
            "kk_number": values.get("kk_number", ""),
            # The village meeting's paper form carries the worker's declaration and signature.
            "declared_not_hospitalised": True,
        },
        heir=values.get("heir"),
        funding_source=values.get("funding_source"),
    )


def import_discard(batch: ImportBatch, *, by: User) -> None:
    if batch.state not in (State.CHECKED, State.FAILED):
        raise ImportRefused(_("Only a checked import that was not saved can be discarded."))
    batch.file.delete(save=False)
    record_progress(batch, state=State.DISCARDED, file="")


def locked_for_undo(batch: ImportBatch, reason: str) -> ImportBatch:
    """The batch, locked, if it may be undone now: saved (or confirmed), not undone yet, today, with
    a reason. An import and a confirmed branch list follow the same rule."""
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.state != State.DONE:
        raise ImportRefused(_("Only a saved import can be undone."))
    if batch.undone_at is not None:
        raise ImportRefused(_("This import has been undone already."))
    if timezone.localtime(batch.committed_at or batch.uploaded_at).date() != timezone.localdate():
        raise ImportRefused(_("An import can be undone only on the day it was made."))
    if not reason.strip():
        raise ImportRefused(_("Give a reason."))
    return batch


@transaction.atomic
def import_undo(*, batch: ImportBatch, by: User, reason: str) -> int:
    """Cancel the enrollments of an import made today, with a reason; their slots are freed."""
    batch = locked_for_undo(batch, reason)
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
