"""Target lists at national scale (issue 24): a DTSEN round of about 30 million people, 358 a village,
each province its own list; 40 of each village's people are its enrolled workers (deciles 1-4), the
rest people still to reach. Then the targeting pages and jobs, timed.

    .venv/bin/python bench/national.py --targets      # build the lists once, then measure

Built in SQL (INSERT … SELECT over the villages), not through the import: the import of one regency's
list is timed separately, through the import pages' code.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection
from django.test import Client
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign
from enrollment.models import Enrollment
from imports import registered
from imports.models import ImportBatch
from regions.models import Region
from targeting.coverage import coverage_refresh
from targeting.duplicates import find_near_duplicates
from targeting.models import TargetList, TargetPerson
from targeting.preview import eligibility_count
from targeting.services import target_list_upload

from .national_build import SLUG, log

PER_VILLAGE = 358  # 30 million over 83,762 villages
ENROLLED_ON_LIST = 40

PEOPLE_SQL = """
INSERT INTO targeting_targetperson
    (target_list_id, village_id, nik, kk_number, desil, full_name, sex, birth_date, rt_rw, occupation, erased_at)
SELECT l.id, v.id,
       -- the village's district, a birth date spread over 1960-1999, a serial per village and person
       replace(left(v.code, 8), '.', '') || lpad((1 + (v.id + g) %% 28)::text, 2, '0')
         || lpad((1 + g %% 12)::text, 2, '0') || lpad((60 + (v.id * 7 + g) %% 40)::text, 2, '0')
         || lpad((1 + (v.id * 31 + g * 7) %% 9999)::text, 4, '0'),
       replace(left(v.code, 8), '.', '') || lpad(((v.id * 13 + g / 3) %% 10000000000)::text, 10, '0'),
       1 + (g * 7 + v.id) %% 10, 'Sasaran ' || g, CASE WHEN g %% 2 = 0 THEN 'L' ELSE 'P' END,
       date '1960-01-01' + ((v.id + g * 37) %% 14600)::int, lpad((1 + g %% 9)::text, 3, '0') || '/001', '', NULL
FROM regions_region v
JOIN targeting_targetlist l ON l.region_id = (SELECT p.id FROM regions_region p WHERE p.code = left(v.code, 2))
CROSS JOIN generate_series(1, %s) g
WHERE v.level = 4
ORDER BY 1, 3  -- in the unique index's order: appended to it, not inserted at random
ON CONFLICT DO NOTHING
"""
ENROLLED_SQL = """
INSERT INTO targeting_targetperson
    (target_list_id, village_id, nik, kk_number, desil, full_name, sex, birth_date, rt_rw, occupation, erased_at)
SELECT l.id, e.village_id, w.nik, replace(left(v.code, 8), '.', '') || lpad(e.id::text, 10, '0'),
       1 + e.id %% 4, e.full_name, w.sex, w.birth_date, '001/001', '', NULL
FROM enrollment_enrollment e
JOIN enrollment_worker w ON w.id = e.worker_id
JOIN regions_region v ON v.id = e.village_id
JOIN targeting_targetlist l ON l.region_id = (SELECT p.id FROM regions_region p WHERE p.code = left(v.code, 2))
WHERE e.id %% 100 < %s
ORDER BY 1, 3
ON CONFLICT DO NOTHING
"""
# Kept while loading: the unique index, which ON CONFLICT needs; the others are built afterwards.
LOAD_WITHOUT = ("targeting_person_village", "targeting_person_nik")


def ensure_targets(provinces: str = "") -> None:
    """The lists of every province, or of the provinces named (codes, comma-separated)."""
    if TargetPerson.objects.exists():
        _ensure_batches()
        return
    TargetList.objects.all().delete()  # a build that stopped half-way
    admin = User.objects.get(username="admin")
    started = time.monotonic()
    lists = [
        TargetList(
            region=province,
            source=TargetList.Source.DTSEN,
            round="DTSEN triwulan III 2026",
            given_by="Dinas Sosial",
            given_on=timezone.localdate(),
            batch_id=10**12 + province.pk,
            state=TargetList.State.CURRENT,
            created_by=admin,
        )
        for province in Region.objects.filter(level=Region.Level.PROVINCE)
        if not provinces or province.code in provinces.split(",")
    ]
    TargetList.objects.bulk_create(lists)
    _ensure_batches()
    # Inserted at random into three indexes, 30 million rows slowed to 110,000 a minute (the
    # indexes outgrew memory): the load is sorted by the unique index and the others built after.
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE targeting_targetperson")  # the dead rows of a load that stopped
        cursor.execute("SET work_mem = '256MB'; SET maintenance_work_mem = '1GB'")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname = ANY(%s)", [list(LOAD_WITHOUT)]
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute(PEOPLE_SQL, [PER_VILLAGE - ENROLLED_ON_LIST])
        log(f"target lists: {cursor.rowcount:,} people to reach in {time.monotonic() - started:.0f} s")
        cursor.execute(ENROLLED_SQL, [ENROLLED_ON_LIST])
        for name, definition in indexes:
            cursor.execute(definition)
            log(f"  index {name}: {time.monotonic() - started:.0f} s")
        cursor.execute("RESET work_mem; RESET maintenance_work_mem")
        cursor.execute("ANALYZE targeting_targetperson, targeting_targetlist")
    count = TargetPerson.objects.count()
    log(f"target lists: {count:,} people in {time.monotonic() - started:.0f} s")


def _timed(call, runs: int) -> tuple[float, float]:
    call()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000, sorted(times)[max(0, int(len(times) * 0.95) - 1)] * 1000


def _ensure_batches() -> None:
    """Each list's import, as an upload leaves it, so that the list's link to its file leads somewhere
    (the lists were first built with made-up import ids, which the crawl found as 404s)."""
    from imports.models import ImportBatch

    for target_list in TargetList.objects.exclude(batch_id__in=ImportBatch.objects.values("pk")):
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.TARGETS, state=ImportBatch.State.DONE, region=target_list.region,
            uploaded_by=target_list.created_by, file_name=f"DTSEN {target_list.region.name}.xlsx",
            checksum="0" * 64,
        )  # fmt: skip
        TargetList.objects.filter(pk=target_list.pk).update(batch_id=batch.pk)


def measure(runs: int = 10) -> None:
    campaign = Campaign.objects.get(slug=SLUG)
    print(f"\n{TargetPerson.objects.count():,} target people, {Enrollment.objects.count():,} enrollments\n")
    started = time.monotonic()
    counted = coverage_refresh(Campaign.objects.filter(pk=campaign.pk))
    print(
        f"refresh_target_coverage, the national campaign: {counted:,} villages in {time.monotonic() - started:.0f} s\n"
    )
    started = time.monotonic()
    counted = eligibility_count(campaign)
    print(
        f"the eligibility preview's count, the national campaign: {counted:,} villages in {time.monotonic() - started:.0f} s\n"
    )
    print("| targeting page | role | p50 ms | p95 ms | KB |")
    print("| --- | --- | ---: | ---: | ---: |")
    pages = [
        ("worklist", "/targets/worklist/", ("agen.32.14.16.2005",)),
        ("worklist, name search", "/targets/worklist/?q=Sasaran%201", ("agen.32.14.16.2005",)),
        ("worklist for the phone (JSON)", "/targets/worklist.json", ("agen.32.14.16.2005",)),
        ("worklist, a village an official names", "/targets/worklist/?village=32.14.16.2005", ("admin", "pejabat.32")),
        ("target lists", "/targets/", ("admin", "pejabat.32", "pejabat.32.14")),
        ("possible duplicates", "/targets/duplicates/", ("admin", "pejabat.32", "pejabat.32.14")),
        ("campaign dashboard (with target coverage)", f"/dashboards/campaign/{SLUG}/", ("admin", "pejabat.32", "pejabat.32.14")),
        ("village dashboard (with target coverage)", f"/dashboards/campaign/{SLUG}/32.14.16.2005/", ("pejabat.32.14", "agen.32.14.16.2005")),
        ("who the campaign is for (preview)", f"/targets/campaigns/{SLUG}/eligibility/", ("admin", "pejabat.32")),
    ]  # fmt: skip
    for label, path, roles in pages:
        for role in roles:
            client = Client()
            client.force_login(User.objects.get(username=role))
            response = client.get(path)
            if response.status_code != 200:
                print(f"| {label} | {role} | HTTP {response.status_code} | | |")
                continue
            p50, p95 = _timed(lambda c=client, p=path: c.get(p), runs)
            print(
                f"| {label} | {role} | {p50:.0f} | {p95:.0f} | {len(response.content) / 1000:.0f} |",
                flush=True,
            )
    started = time.monotonic()
    added = find_near_duplicates()
    print(f"\nfind_near_duplicates over every village: {added:,} pairs in {time.monotonic() - started:.0f} s")
    _regency_import()
    del campaign


def _regency_import() -> None:
    """One regency's list (Kab. Purwakarta, its people of the national round) read through the import."""
    regency = Region.objects.get(code="32.14")
    rows = TargetPerson.objects.filter(village__code__startswith="32.14.").values_list(
        "nik", "kk_number", "desil", "full_name", "village__code"
    )
    text = "nik;no_kk;desil;nama;kode_desa\n" + "".join(f"{a};{b};{c};{d};{e}\n" for a, b, c, d, e in rows)
    admin = User.objects.get(username="admin")
    target_list = target_list_upload(
        target_list=TargetList(
            region=regency, source=TargetList.Source.MUSDES, round="bench", given_by="bench",
            given_on=timezone.localdate(),
        ),
        data=text.encode(), file_name="bench.csv", by=admin,
    )  # fmt: skip
    batch = ImportBatch.objects.get(pk=target_list.batch_id)
    started = time.monotonic()
    registered.check(batch)
    checked = time.monotonic() - started
    started = time.monotonic()
    registered.commit(batch, by=admin)
    committed = time.monotonic() - started
    print(
        f"one regency's list (Kab. Purwakarta, {batch.rows:,} rows): dry run {checked:.1f} s, confirm {committed:.1f} s"
    )
    TargetPerson.objects.filter(target_list=target_list).delete()
    target_list.delete()
    batch.delete()
