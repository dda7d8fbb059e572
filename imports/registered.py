"""The dry run, confirmation and undo of a registered kind of list (imports.kinds): the same states,
progress and same-day rule as a sign-up import, the kind's own matcher in between."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User

from .checks import MissingColumns
from .kinds import KINDS
from .models import ImportBatch
from .reading import ImportFileError
from .services import ImportRefused, load_table, locked_for_undo, record_failure, record_progress

PROBLEM = "problem"  # the category of rows that cannot be read, in every kind
EXAMPLES = 50  # rows kept per category for the page; the confirmation sorts the whole list again


def check(batch: ImportBatch) -> ImportBatch:
    """The dry run of a registered kind: every row in its category, the first of each kept for the page."""
    kind = KINDS[batch.kind]
    record_progress(batch, state=ImportBatch.State.CHECKING, error="", progress=0)
    try:
        table = load_table(batch)
        if missing := table.missing(kind.required):
            labels = ", ".join(str(kind.labels[name]) for name in missing)
            raise MissingColumns(_("Required columns are missing: %(columns)s.") % {"columns": labels})
        rows = list(kind.sort(batch, table))
    except MissingColumns as problem:
        record_failure(batch, str(problem), ImportBatch.State.MAPPING)
        return batch
    except (ImportFileError, ImportRefused) as problem:
        record_failure(batch, str(problem))
        return batch
    counts = dict.fromkeys(kind.categories, 0)
    examples: dict[str, list] = {name: [] for name in kind.categories}
    problems = []  # the rows that cannot be read, for the errors download (imports.views.import_errors)
    for row in rows:
        counts[row.category] += 1
        if row.category == PROBLEM:
            problems.append([row.row, "", row.note])
        if len(examples[row.category]) < EXAMPLES:
            examples[row.category].append([row.row, row.key, row.who, row.note, None])
    record_progress(
        batch,
        state=ImportBatch.State.CHECKED,
        rows=len(table.rows),
        valid=sum(counts[name] for name in kind.confirmed),
        summary={"counts": counts, "examples": examples},
        problems=problems,
        warnings=[[0, "", text] for text in table.warnings],
    )
    return batch


def commit(batch: ImportBatch, *, by: User) -> ImportBatch:
    """Sort the list again (things changed since the dry run) and confirm the rows of its confirmed
    category, all or nothing."""
    kind = KINDS[batch.kind]
    if batch.uploaded_by_id != by.pk:
        raise ImportRefused(_("Only the person who uploaded the file can save it."))
    try:
        with transaction.atomic():
            rows = [row for row in kind.sort(batch, load_table(batch)) if row.category in kind.confirmed]
            done = kind.confirm(batch, rows, by)
    except (ImportRefused, ImportFileError) as refused:
        record_failure(batch, str(refused))
        raise ImportRefused(str(refused)) from None
    record_progress(
        batch,
        state=ImportBatch.State.DONE,
        committed_at=timezone.now(),
        enrolled=len(rows),
        summary={**batch.summary, "done": done},
    )
    return batch


@transaction.atomic
def undo(*, batch: ImportBatch, by: User, reason: str) -> int:
    batch = locked_for_undo(batch, reason)
    count = KINDS[batch.kind].undo(batch, by, reason)
    batch.undone_at, batch.undone_by, batch.undo_reason = timezone.now(), by, reason.strip()[:250]
    batch.save(update_fields=["undone_at", "undone_by", "undo_reason"])
    return count
