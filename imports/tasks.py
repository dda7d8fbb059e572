"""Large imports run as background jobs (django-tasks, the backport of Django 6.0's tasks API).

`start` runs a small file's step in the request and queues a large one for `manage.py db_worker`. The
job reports its progress on the batch; the page polls it, and the user may leave and come back. A
worker killed half-way rolls its transaction back, so nothing of the commit is left; the batch shows as
stopped (`ImportBatch.stalled`) and can be run again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from . import reconcile, registered, services
from .kinds import KINDS
from .models import ImportBatch
from .reading import spreadsheet_size

logger = logging.getLogger(__name__)


def run_step(
    batch: ImportBatch, step: str, coverage_starts: str = "", unverified: list[int] | None = None
) -> None:
    """Check or commit a batch, whichever its kind. Refusals are kept on the batch for the page."""
    branch = batch.kind == ImportBatch.Kind.BRANCH_LIST
    try:
        if batch.kind in KINDS:
            registered.check(batch) if step == "check" else registered.commit(batch, by=batch.uploaded_by)
        elif step == "check":
            (reconcile.reconcile_check if branch else services.import_check)(batch)
        elif branch:
            reconcile.reconcile_commit(
                batch,
                by=batch.uploaded_by,
                coverage_starts=dt.date.fromisoformat(coverage_starts),
                unverified=frozenset(unverified or ()),
            )
        else:
            services.import_commit(batch, by=batch.uploaded_by)
    except services.ImportRefused:
        pass  # the reason is on the batch, marked failed
    except Exception:
        logger.exception("import %s: %s failed", batch.pk, step)
        services.record_failure(
            batch, _("Something went wrong on the server; nothing was saved. Run it again.")
        )
        raise


@task()
def run_import(
    batch_id: int, step: str, coverage_starts: str = "", unverified: list[int] | None = None
) -> None:
    batch = ImportBatch.objects.select_related("campaign", "uploaded_by", "region").get(pk=batch_id)
    run_step(batch, step, coverage_starts, unverified)


def start(
    batch: ImportBatch, step: str, coverage_starts: str = "", unverified: list[int] | None = None
) -> bool:
    """Run the step now for a small file, or queue it; True when queued. A commit is claimed first
    (services.claim_for_saving): a second click is refused with ImportRefused."""
    if step == "commit":
        services.claim_for_saving(batch)
    # Judged by what it unpacks to: a small XLSX may hold many rows (reading.spreadsheet_size).
    with batch.file.open("rb") as stored:
        size = spreadsheet_size(stored.read())
    if size.unpacked <= settings.IMPORT_INLINE_BYTES:
        run_step(batch, step, coverage_starts, unverified)
        return False
    if step == "check":
        services.record_progress(batch, state=ImportBatch.State.CHECKING)
    run_import.enqueue(batch.pk, step, coverage_starts, unverified)
    return True
