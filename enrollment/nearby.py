"""The same person entered twice under a mistyped NIK: exact duplicates are refused by the unique NIK;
these are the near ones. A NIK one digit or one swap of neighbouring digits away from a worker of the
user's area, the same name and birth date in the same village, or the same KK and name there.

The entry warns with them before saving (masked, inside the user's area only); the periodic search
(targeting's find_near_duplicates) puts them on the officials' review list, where a merge keeps
everything of both (enrollment.merge).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from campaigns.models import Campaign
from regions.models import Region

from .models import Enrollment, Worker

SHOWN = 3  # a warning names at most this many
CANDIDATES = 20  # read to find them: namesakes in a village are few


class Reason:
    DIGIT = "digit"
    SWAP = "swap"
    NAME_BIRTH = "name_birth"
    KK_NAME = "kk_name"

    LABELS = {
        DIGIT: _("the NIK differs by one digit"),
        SWAP: _("the NIK has two neighbouring digits swapped"),
        NAME_BIRTH: _("the same name and birth date in the same village"),
        KK_NAME: _("the same KK and name in the same village"),
    }


def nik_neighbours(nik: str) -> dict[str, str]:
    """Every NIK one digit (144) or one swap of neighbouring digits (15 at most) away, with why."""
    found: dict[str, str] = {}
    for i, digit in enumerate(nik):
        for other in "0123456789":
            if other != digit:
                found[f"{nik[:i]}{other}{nik[i + 1 :]}"] = Reason.DIGIT
    for i in range(len(nik) - 1):
        if nik[i] != nik[i + 1]:
            found[f"{nik[:i]}{nik[i + 1]}{nik[i]}{nik[i + 2 :]}"] = Reason.SWAP
    return found


def normal_name(name: str) -> str:
    return " ".join(name.casefold().split())


def nik_distance(a: str, b: str) -> str | None:
    """Why two NIKs of one length may be one typed wrong: one digit differs, or two neighbours are
    swapped; None when they are further apart (or the same)."""
    differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    if len(differ) == 1:
        return Reason.DIGIT
    if (
        len(differ) == 2
        and differ[1] == differ[0] + 1
        and a[differ[0]] == b[differ[1]]
        and a[differ[1]] == b[differ[0]]
    ):
        return Reason.SWAP
    return None


def pairs_among(people: dict[Any, tuple[str, str, object, str]]) -> dict[tuple, str]:
    """Among people of one village (key: NIK, name, birth date, KK), the pairs that may be one
    person, with why. Compared through keys, never all pairs, so a village of a thousand is cheap:
    two NIKs one digit apart share their first or their last half (a swap too, unless it straddles
    the middle: those are looked up); the same name and birth date, or KK and name, share a key.
    Keys must sort (a pair is named lower key first). Measured: 1.3 ms for a village of 100, where
    a key per blanked digit (16 a NIK) took 1.8 ms (bench/RESULTS.md, find_near_duplicates)."""
    groups: dict[tuple, list] = defaultdict(list)
    by_nik: dict[str, Any] = {}
    for key, (nik, name, born, kk) in people.items():
        by_nik[nik] = key
        half = len(nik) // 2
        groups[("head", nik[:half])].append(key)
        groups[("tail", nik[half:])].append(key)
        name = normal_name(name)
        groups[(Reason.NAME_BIRTH, name, born)].append(key)
        if kk:
            groups[(Reason.KK_NAME, kk, name)].append(key)
    found: dict[tuple, str] = {}
    for key, (nik, *_rest) in people.items():
        i = len(nik) // 2 - 1  # the swap across the middle, which changes both halves
        if i >= 0 and nik[i] != nik[i + 1]:
            other = by_nik.get(f"{nik[:i]}{nik[i + 1]}{nik[i]}{nik[i + 2 :]}")
            if other is not None:
                found[(min(key, other), max(key, other))] = Reason.SWAP
    for (kind, *_key), members in groups.items():
        if len(members) < 2:
            continue
        for a in range(len(members)):
            for b in range(a + 1, len(members)):
                pair = (min(members[a], members[b]), max(members[a], members[b]))
                if pair in found:
                    continue
                if kind in ("head", "tail"):
                    nik_a, nik_b = people[members[a]][0], people[members[b]][0]
                    reason = nik_distance(nik_a, nik_b) if len(nik_a) == len(nik_b) else None
                else:
                    reason = kind
                if reason:
                    found[pair] = reason
    return found


@dataclass(frozen=True)
class Near:
    enrollment: Enrollment
    reason: str

    @property
    def message(self) -> str:
        return str(
            _("May be the same person as %(name)s (%(nik)s, %(village)s): %(why)s. Check the NIK on the KTP.")
            % {
                "name": self.enrollment.full_name,
                "nik": self.enrollment.worker.masked_nik,
                "village": self.enrollment.village.display_name,
                "why": Reason.LABELS[self.reason],
            }
        )


@dataclass(frozen=True)
class KnownNik:
    """What the workers' table holds of a NIK typed: its worker (None for a new one), the workers one
    digit or swap away (by id, with why), and the campaign asked about (by id) if the worker was read
    to have no open enrollment in it."""

    nik: str
    worker: Worker | None
    neighbours: dict[int, str]
    free_in: int | None = None

    def workers(self) -> dict[str, int]:
        """The worker's id by NIK, as the campaign's rules take it (eligibility.findings)."""
        return {self.nik: self.worker.pk} if self.worker else {}

    def may_be_enrolled_in(self, campaign: Campaign) -> bool:
        """Whether the worker may be enrolled in `campaign`: a worker is, unless read to have no open
        enrollment in it (known_nik asked about that campaign)."""
        return self.worker is not None and self.free_in != campaign.pk


def known_nik(nik: str, campaign: Campaign | None = None) -> KnownNik:
    """One query, on the unique NIK index, for the NIK and its 159 neighbours, and whether the NIK's
    worker is enrolled in `campaign`: asked once by the entry for its worker, the campaign's rules,
    "already enrolled" and the near duplicates (issue 25: five queries before)."""
    neighbours = nik_neighbours(nik)
    worker, near, free_in = None, {}, None
    for found, enrolled in _workers_by_nik([nik, *neighbours], campaign):
        if found.nik != nik:
            near[found.pk] = neighbours[found.nik or ""]
            continue
        worker = found
        if campaign is not None and not enrolled:
            free_in = campaign.pk
    return KnownNik(nik, worker, near, free_in)


def _workers_by_nik(niks: list[str], campaign: Campaign | None) -> list[tuple[Worker, bool]]:
    """The workers of these NIKs, each with whether they are open in `campaign` (False when none is
    asked about). On PostgreSQL in SQL written once (_workers_by_nik_sql): built by the ORM, the
    160 NIKs and the Exists cost 1.1 ms of CPU on every submit, the SQL 0.24 ms (bench/RESULTS.md,
    "Writes, the fifth session"). Elsewhere, the ORM asks the same."""
    if connection.vendor != "postgresql":
        workers = Worker.objects.filter(nik__in=niks)
        if campaign is None:
            return [(found, False) for found in workers]
        open_in = Enrollment.objects.open_in(campaign).filter(worker=OuterRef("pk"))
        return [(found, found.enrolled) for found in workers.annotate(enrolled=Exists(open_in))]
    columns, sql = _workers_by_nik_sql()
    with connection.cursor() as cursor:
        cursor.execute(sql, [campaign.pk if campaign else None, list(Enrollment.OPEN), niks])
        return [(Worker.from_db(connection.alias, columns, row[:-1]), row[-1]) for row in cursor.fetchall()]


@cache
def _workers_by_nik_sql() -> tuple[list[str], str]:
    """The worker's columns, and the statement reading them with Enrollment.objects.open_in's
    question (the campaign, an open status) for each: tests/enrollment/test_nearby.py holds the two
    to the same answers for every status."""
    columns = [field.attname for field in Worker._meta.concrete_fields]
    workers, enrollments = Worker._meta.db_table, Enrollment._meta.db_table
    return (
        columns,
        f"""
        SELECT {", ".join(f'w."{column}"' for column in columns)}, EXISTS (
            SELECT 1 FROM "{enrollments}" e
            WHERE e."worker_id" = w."id" AND e."campaign_id" = %s AND e."status" = ANY(%s)
        )
        FROM "{workers}" w WHERE w."nik" = ANY(%s)
    """,
    )


def near_duplicates(
    known: KnownNik,
    *,
    village: Region,
    user: User,
    full_name: str = "",
    born: dt.date | None = None,
    kk: str = "",
) -> list[Near]:
    """Enrollments inside `user`'s reach that may be the person typed: those of the workers one digit
    or swap away (`known`, on the unique NIK index), and the village's with the same name, on the
    worker and village indexes; one query, none when there is neither, and a second for the few found
    (rarely any). The birth date and the KK are compared here, on those few. As one query joining
    every enrollment in reach to its worker to test the NIK, it read an agent's whole village (2.8 ms
    for 827), and more for a wider reach (issue 25)."""
    near = Q(worker_id__in=list(known.neighbours))
    if full_name and (born or kk):
        near |= Q(village=village, full_name__iexact=full_name)
    itself = known.worker.pk if known.worker else None
    candidates = (
        Enrollment.objects.for_user(user)
        .filter(near, erasure__isnull=True)
        .order_by("-entered_at")
        .values_list("pk", "worker_id", "kk_number", "worker__birth_date")[:CANDIDATES]
    )
    reasons: dict[int, str] = {}  # by enrollment, one a worker, newest first
    seen = {itself}
    for pk, worker_id, their_kk, their_birth in candidates:
        if worker_id in seen:
            continue
        if worker_id in known.neighbours:
            reasons[pk] = known.neighbours[worker_id]
        elif kk and their_kk == kk:
            reasons[pk] = Reason.KK_NAME
        elif born and their_birth == born:
            reasons[pk] = Reason.NAME_BIRTH
        else:
            continue  # the same name, born another day, another family: someone else
        seen.add(worker_id)
        if len(reasons) == SHOWN:
            break
    if not reasons:
        return []
    # Read whole only when found (rarely): the candidates' columns alone cost half the ORM's CPU.
    shown = Enrollment.objects.select_related("worker", "village").in_bulk(list(reasons))
    return [Near(shown[pk], reason) for pk, reason in reasons.items() if pk in shown]  # merged since: gone
