"""Build the national database for `bench/national.py`: every village, one national campaign of 100 per
village, and N enrollments with their workers, heirs, history and agents, loaded with COPY.

The ORM would take hours for 8.4 million enrollments (one INSERT round trip per batch, every index
and foreign key checked row by row); COPY into tables whose secondary indexes and foreign keys are
dropped first and rebuilt after takes minutes. Only the bench does this: the application never
writes enrollments except through its services.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import time
from collections.abc import Callable, Iterable, Iterator

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from .national_names import FAMILY, GIVEN

SLUG = "nasional"
PER_VILLAGE = 100
BIG_TABLES = (
    "accounts_user",
    "accounts_user_regions",
    "campaigns_quota",
    "enrollment_worker",
    "enrollment_enrollment",
    "enrollment_heir",
    "enrollment_historicalenrollment",
)
# Statuses "as in life", by a village's enrollment number modulo 100: about half active, a third
# verified, the rest registered, on the reserve list, rejected or cancelled.
STATUS_BANDS = (
    (50, "active"),
    (83, "verified"),
    (91, "registered"),
    (94, "reserve"),
    (97, "rejected"),
    (100, "cancelled"),
)
OCCUPATIONS = ("petani", "buruh_tani", "nelayan", "pedagang", "ojek", "buruh_harian", "guru_ngaji", "tukang")
NULL = r"\N"


def status_of(number: int) -> str:
    for upper, status in STATUS_BANDS:
        if number % 100 < upper:
            return status
    raise AssertionError


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", flush=True)


def built_enrollments() -> int | None:
    """How many enrollments the national campaign holds, or None when it is not there."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM enrollment_enrollment e WHERE e.campaign_id = c.id) "
            "FROM campaigns_campaign c WHERE slug = %s",
            [SLUG],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def copy(table: str, columns: Iterable[str], rows: Iterator[tuple], chunk: int = 200_000) -> int:
    """COPY rows (tuples of str, None for NULL) into `table`, a chunk at a time to bound memory."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    raw = connection.connection.cursor()
    total, buffer, count = 0, io.StringIO(), 0
    for row in rows:
        buffer.write("\t".join(NULL if value is None else str(value) for value in row))
        buffer.write("\n")
        count += 1
        if count == chunk:
            buffer.seek(0)
            raw.copy_expert(sql, buffer)
            total, buffer, count = total + count, io.StringIO(), 0
    if count:
        buffer.seek(0)
        raw.copy_expert(sql, buffer)
        total += count
    return total


def _secondary_indexes(cursor) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """Constraints (unique, foreign key) and plain indexes of the big tables, to drop and rebuild."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype IN ('u', 'f') AND conrelid::regclass::text = ANY(%s) ORDER BY contype DESC",  # u, f
        [list(BIG_TABLES)],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)",
        [list(BIG_TABLES)],
    )
    return constraints, cursor.fetchall()


def without_indexes(load: Callable[[], None]) -> None:
    with connection.cursor() as cursor:
        constraints, indexes = _secondary_indexes(cursor)
        for table, name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    log(f"dropped {len(constraints)} constraints and {len(indexes)} indexes")
    load()
    with connection.cursor() as cursor:
        for name, definition in indexes:
            started = time.monotonic()
            cursor.execute(definition)
            log(f"  index {name}: {time.monotonic() - started:.0f} s")
        for table, name, definition in constraints:  # unique first, then foreign keys
            started = time.monotonic()
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            log(f"  constraint {name}: {time.monotonic() - started:.0f} s")


def build(enrollments: int) -> None:
    """Load everything; the caller has migrated the schema and imported the regions."""
    started = time.monotonic()
    now = timezone.now()
    today = timezone.localdate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, code FROM regions_region WHERE level = 4 ORDER BY code")
        villages = cursor.fetchall()
        cursor.execute("SELECT id, code FROM regions_region WHERE code IN ('32', '32.14')")
        region_id = {code: pk for pk, code in cursor.fetchall()}
    log(f"{len(villages)} villages; building {enrollments} enrollments")
    password = make_password("desa100-demo")

    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO accounts_user (password, is_superuser, username, first_name, last_name, email, "
            "is_staff, is_active, date_joined, role, phone) VALUES "
            "(%s, true, 'admin', 'Admin', '', '', true, true, now(), '', ''),"
            "(%s, false, 'pejabat.32', 'Disnaker', 'Jawa Barat', '', false, true, now(), 'official', ''),"
            "(%s, false, 'pejabat.32.14', 'Disnaker', 'Purwakarta', '', false, true, now(), 'official', '') "
            "RETURNING id",
            [password] * 3,
        )
        admin_id, province_official, regency_official = (row[0] for row in cursor.fetchall())
        cursor.execute(
            "INSERT INTO accounts_user_regions (user_id, region_id) VALUES (%s, %s), (%s, %s)",
            [province_official, region_id["32"], regency_official, region_id["32.14"]],
        )
        cursor.execute(
            "INSERT INTO campaigns_campaign (name, slug, description, starts_on, ends_on, status, covers_jkk, "
            "covers_jkm, covers_jht, coverage_months, contribution_per_month, min_age, max_age, budget, "
            "created_at, activated_at, activated_by_id, created_by_id, organizer_id) VALUES "
            "('1 Desa 100 Perlindungan — Nasional', %s, '', %s, %s, 'active', true, true, false, 12, 16800, "
            "15, 70, %s, now(), now(), %s, %s, %s) RETURNING id",
            [
                SLUG,
                today - dt.timedelta(days=150),
                today + dt.timedelta(days=215),
                len(villages) * PER_VILLAGE * 16800 * 12,
                admin_id,
                admin_id,
                region_id["32"],
            ],
        )
        campaign_id = cursor.fetchone()[0]
        cursor.execute(
            "INSERT INTO campaigns_fundingsource (name, kind, amount, workers, campaign_id) VALUES "
            "('APBD Provinsi', 'apbd_province', NULL, NULL, %s), ('CSR', 'csr', NULL, NULL, %s), "
            "('APB Desa', 'village', NULL, NULL, %s) RETURNING id",
            [campaign_id, campaign_id, campaign_id],
        )
        funding = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT coalesce(max(id), 0) FROM accounts_user")
        first_agent = cursor.fetchone()[0] + 1

    def load() -> None:
        agents = copy(
            "accounts_user",
            (
                "id",
                "password",
                "is_superuser",
                "username",
                "first_name",
                "last_name",
                "email",
                "is_staff",
                "is_active",
                "date_joined",
                "role",
                "phone",
            ),
            (
                (first_agent + i, password, "f", f"agen.{code}", "Agen", code, "", "f", "t", now, "agent", "")
                for i, (_, code) in enumerate(villages)
            ),
        )
        copy(
            "accounts_user_regions",
            ("user_id", "region_id"),
            ((first_agent + i, village_id) for i, (village_id, _) in enumerate(villages)),
        )
        log(f"{agents} agents, one per village")
        copy(
            "campaigns_quota",
            (
                "campaign_id",
                "village_id",
                "target",
                "filled",
                "baseline",
                "active_count",
                "cancelled_count",
                "registered_count",
                "rejected_count",
                "reserve_count",
                "verified_count",
                "signoff",
            ),
            (
                (campaign_id, village_id, PER_VILLAGE, 0, (village_id * 7) % 60, 0, 0, 0, 0, 0, 0, 0)
                for village_id, _ in villages
            ),
        )
        log("quotas")
        _load_enrollments(enrollments, villages, first_agent, campaign_id, funding, admin_id, now, today)

    without_indexes(load)
    with connection.cursor() as cursor:
        # The counters from the enrollments, the way the services would have kept them.
        cursor.execute(
            """
            UPDATE campaigns_quota q SET
                registered_count = c.registered, verified_count = c.verified, active_count = c.active,
                reserve_count = c.reserve, rejected_count = c.rejected, cancelled_count = c.cancelled,
                filled = c.registered + c.verified + c.active
            FROM (
                SELECT village_id,
                    count(*) FILTER (WHERE status = 'registered') AS registered,
                    count(*) FILTER (WHERE status = 'verified') AS verified,
                    count(*) FILTER (WHERE status = 'active') AS active,
                    count(*) FILTER (WHERE status = 'reserve') AS reserve,
                    count(*) FILTER (WHERE status = 'rejected') AS rejected,
                    count(*) FILTER (WHERE status = 'cancelled') AS cancelled
                FROM enrollment_enrollment WHERE campaign_id = %s GROUP BY village_id
            ) c
            WHERE q.campaign_id = %s AND q.village_id = c.village_id
            """,
            [campaign_id, campaign_id],
        )
        for table in BIG_TABLES[:-1]:  # the history table's key is history_id, just below
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('enrollment_historicalenrollment', 'history_id'), "
            "(SELECT max(history_id) FROM enrollment_historicalenrollment))"
        )
        log("counters and sequences")
        cursor.execute("VACUUM ANALYZE")
    log("vacuum analyze")
    call_command("refresh_dashboards", campaign=SLUG)
    log(f"built in {time.monotonic() - started:.0f} s")


def _load_enrollments(total, villages, first_agent, campaign_id, funding, official_id, now, today) -> None:
    per_village, extra = divmod(total, len(villages))
    epoch = dt.date(1960, 1, 1)

    # Villages' rank within their district, so that each worker's number in the district (the NIK's
    # serial) is unique whatever the order of entry.
    rank, sizes = [], {}
    for _, code in villages:
        rank.append(sizes.get(code[:8], 0))
        sizes[code[:8]] = rank[-1] + 1

    def people() -> Iterator[tuple[int, int, int, str, int, int]]:
        """(id, village number, village id, village code, number in village, number in district),
        in the order of entry: every village's first worker, then every village's second, and so
        on, the villages in a different order each round, as sign-ups across the country mix in time
        (ids and entry times rise together)."""
        pk, order = 0, list(range(len(villages)))
        for j in range(per_village + (1 if extra else 0)):
            random.Random(j).shuffle(order)  # the same database every build, villages mixed in time
            for v in order:
                if j == per_village and v >= extra:
                    continue
                village_id, code = villages[v]
                pk += 1
                yield pk, v, village_id, code, j, j * sizes[code[:8]] + rank[v] + 1

    def worker_row(person):
        pk, v, _vid, code, j, k = person
        birth = epoch + dt.timedelta(days=(k * 7919) % 16000)
        female = pk % 2 == 0
        nik = f"{code[:8].replace('.', '')}{birth.day + (40 if female else 0):02d}{birth:%m%y}{k % 9999 + 1:04d}"
        active = status_of(j + v) == "active"
        return pk, nik, birth, "P" if female else "L", now, f"KPJ{pk:011d}" if active else None

    log_every = max(total // 10, 1)
    last_month = (now.date().replace(day=1) - dt.timedelta(days=1)).replace(day=1)

    def months_before(month: dt.date, n: int) -> dt.date:
        index = month.year * 12 + month.month - 1 - n
        return dt.date(index // 12, index % 12 + 1, 1)

    def paid_through(pk: int, starts: dt.date) -> dt.date:
        """Contributions as in life: most paid up, 1 in 10 lapsing, 1 in 20 at risk, 1 in 20 lapsed
        (never before the month ahead of coverage)."""
        behind = {0: 3, 1: 2, 2: 1, 3: 1}.get(pk % 20, 0)
        return max(months_before(last_month, behind), months_before(starts.replace(day=1), 1))

    def enrollment_rows(history: bool):
        for person in people():
            pk, v, village_id, code, j, _k = person
            status = status_of(j + v)
            entered = now - dt.timedelta(days=120) * (1 - pk / total)  # the last 120 days, in order
            verified = entered + dt.timedelta(days=2) if status in ("verified", "active") else None
            active = status == "active"
            starts = (entered + dt.timedelta(days=3)).date() if active else None
            ends = dt.date(starts.year + 1, starts.month, min(starts.day, 28)) if active else None
            closed = entered + dt.timedelta(days=1) if status in ("rejected", "cancelled") else None
            row = (
                pk,
                status,
                entered,
                verified,
                verified if active else None,
                starts,
                ends,
                starts if active and pk % 3 else None,
                closed,
                "Tidak memenuhi syarat" if closed else "",
                official_id if active else None,
                campaign_id,
                official_id if closed else None,
                first_agent + v,
                # 1 in 7 paid by a company, 3 in 7 by their village (a payer per village: billing's
                # national scale), the rest by the province.
                funding[1] if pk % 7 == 0 else funding[2] if pk % 7 in (1, 2, 3) else funding[0],
                official_id if verified else None,
                village_id,
                pk,
                f"{GIVEN[pk % len(GIVEN)]} {FAMILY[pk // len(GIVEN) % len(FAMILY)]}",
                f"0812{pk:08d}",
                f"RT 0{pk % 9 + 1} RW 0{pk % 5 + 1}, {code}",
                OCCUPATIONS[pk % len(OCCUPATIONS)],
                "",
                1_500_000 + (pk % 20) * 100_000,
                "",
                "t",
                entered,
                first_agent + v,
                None,
                None,
                paid_through(pk, starts) if active else None,
            )
            if history:
                row = (*row, pk, entered, None, "+", first_agent + v)
            elif pk % log_every == 0:
                log(f"  {pk} enrollments")
            yield row

    columns = (
        "id",
        "status",
        "entered_at",
        "verified_at",
        "activated_at",
        "coverage_starts",
        "coverage_ends",
        "card_handed_over_on",
        "closed_at",
        "reason",
        "activated_by_id",
        "campaign_id",
        "closed_by_id",
        "entered_by_id",
        "funding_source_id",
        "verified_by_id",
        "village_id",
        "worker_id",
        "full_name",
        "phone",
        "address",
        "occupation",
        "occupation_other",
        "monthly_income",
        "kk_number",
        "declared_not_hospitalised",
        "consent_given_at",
        "consent_collected_by_id",
        "erasure_id",
        "renewed_from_id",
        "paid_through",
    )
    n = copy(
        "enrollment_worker",
        ("id", "nik", "birth_date", "sex", "created_at", "kpj_number"),
        (worker_row(p) for p in people()),
    )
    log(f"{n} workers")
    n = copy("enrollment_enrollment", columns, enrollment_rows(history=False))
    log(f"{n} enrollments")
    n = copy(
        "enrollment_heir",
        ("id", "name", "relationship", "nik", "enrollment_id", "position", "removed_at"),
        ((p[0], f"Ahli waris {p[0]}", "spouse", "", p[0], 1, None) for p in people()),
    )
    log(f"{n} heirs")
    n = copy(
        "enrollment_historicalenrollment",
        (*columns, "history_id", "history_date", "history_change_reason", "history_type", "history_user_id"),
        enrollment_rows(history=True),
    )
    log(f"{n} history rows")
