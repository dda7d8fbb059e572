"""The periodic search for one person entered twice under a mistyped NIK (enrollment.nearby says what
counts as near), village by village, and the officials' decisions on what it finds.

Blocking by village keeps it linear: the enrollments are read once, ordered by village, and each
village's workers are compared through keys (each NIK with one digit blanked, each with two
neighbours swapped, name and birth date, KK and name), never pair by pair. Written here rather
than in SQL because the keys are cheap in Python and the national set is read in one pass
(bench/RESULTS.md has the figure at 8.4 million enrollments).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby
from operator import itemgetter

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from enrollment.merge import worker_merge
from enrollment.models import Enrollment, Worker
from enrollment.nearby import pairs_among
from regions.models import Region

from .models import NearDuplicate

Row = tuple[int, int, str | None, str, object, str]  # village, worker, NIK (never None here), name, born, KK
BATCH = 5000


def village_pairs(rows: list[Row]) -> dict[tuple[int, int], str]:
    """The pairs of workers of one village that may be one person, with why."""
    return pairs_among(
        {worker: (nik or "", name, born, kk) for _village, worker, nik, name, born, kk in rows}
    )


VILLAGES_PER_FETCH = 200  # some 20,000 rows a query at 100 a village


def _rows(region_code: str) -> Iterator[Row]:
    """Every enrollment's keys, village by village: the villages first (from the region tree, not a
    DISTINCT over millions of enrollments), then their rows a few hundred villages at a time
    (server-side cursors are off for pgbouncer: an iterator would hold the whole country in the
    driver)."""
    enrollments = Enrollment.objects.filter(erasure__isnull=True).exclude(worker__nik=None)
    villages = list(
        Region.objects.filter(level=Region.Level.VILLAGE, code__startswith=region_code)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows = enrollments.order_by("village_id").values_list(
        "village_id", "worker_id", "worker__nik", "full_name", "worker__birth_date", "kk_number"
    )
    for start in range(0, len(villages), VILLAGES_PER_FETCH):
        yield from rows.filter(village_id__in=villages[start : start + VILLAGES_PER_FETCH])


def find_near_duplicates(region_code: str = "") -> int:
    """Add the pairs not seen before to the review list (a pair decided once is not asked again);
    the number added."""
    before = NearDuplicate.objects.count()
    pending: list[NearDuplicate] = []
    for village, rows in groupby(_rows(region_code), key=itemgetter(0)):
        for (first, second), reason in village_pairs(list(rows)).items():
            pending.append(NearDuplicate(first_id=first, second_id=second, reason=reason, village_id=village))
        if len(pending) >= BATCH:
            NearDuplicate.objects.bulk_create(pending, ignore_conflicts=True)
            pending = []
    NearDuplicate.objects.bulk_create(pending, ignore_conflicts=True)
    return NearDuplicate.objects.count() - before


@transaction.atomic
def near_duplicate_decide(*, pair: NearDuplicate, same: bool, keep: Worker | None, by: User) -> NearDuplicate:
    """Different people: remembered. The same person: merged into `keep` (one of the two)."""
    pair = NearDuplicate.objects.select_for_update().get(pk=pair.pk)
    if not (verdict := pair.can_decide(by)):
        raise PermissionError(verdict.reason)
    if same:
        assert keep is not None and keep.pk in (pair.first_id, pair.second_id)
        absorb_id = pair.second_id if keep.pk == pair.first_id else pair.first_id
        absorb = Worker.objects.get(pk=absorb_id or 0)
        # The kept worker is named first (removing the other empties `second`, and keeps this row).
        NearDuplicate.objects.filter(pk=pair.pk).update(first=keep, second=absorb)
        pair.merged = worker_merge(keep=keep, absorb=absorb, by=by)
        pair.refresh_from_db(fields=["first", "second"])
    pair.decision = NearDuplicate.Decision.SAME if same else NearDuplicate.Decision.DIFFERENT
    pair.decided_by, pair.decided_at = by, timezone.now()
    pair.save()
    return pair
