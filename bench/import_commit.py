"""Time an import of sign-ups end to end (dry run, then commit) on PostgreSQL, beside django-import-export.

    .venv/bin/python bench/import_commit.py                      # 100,000 rows, import-export on 10,000
    .venv/bin/python bench/import_commit.py --rows 20000 --theirs 0

Builds its own database (BENCH_DATABASE_URL, default desa100_bench: the regions of Indonesia and a
campaign over the 192 villages of Kab. Purwakarta with room for every row), writes a CSV as a village
meeting's spreadsheet would be, and runs it through `imports.services` as the province official:
`import_check` (the dry run) and `import_commit` (every row checked again and enrolled in one
transaction, committed). Then the branch office's list of the same workers (NIK, name, KPJ) is
matched (`reconcile_check`) with the planner's statistics up to date, as in use. Each run empties
the bench database's campaigns and workers first. Then the same file goes through
django-import-export's fastest configuration (bulk inserts, no diff, instances not looked up), with
the same checks written the way that library is used (NIK, village in the campaign and reach, already
enrolled, the slot taken), in a transaction rolled back. Peak memory is the process's maximum
resident size. Latest figures: bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.import_check import sign_ups

URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desa100_bench")
os.environ["DATABASE_URL"] = URL


class Rollback(Exception):
    pass


def ensure_database() -> None:
    import psycopg2

    name = URL.rsplit("/", 1)[1]
    admin = psycopg2.connect(URL.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def world(rows: int):
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from accounts.models import User
    from campaigns.models import Campaign, Quota
    from regions.models import Region

    call_command("migrate", verbosity=0)
    if not Region.objects.exists():
        call_command("import_regions", verbosity=0)
    official, _ = User.objects.get_or_create(username="bench.official", defaults={"role": "official"})
    official.regions.set([Region.objects.get(code="32")])
    today = timezone.localdate()
    # The import is committed for real: each run starts from no campaign and no worker.
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE campaigns_campaign, enrollment_worker, enrollment_historicalworker,"
            " enrollment_historicalenrollment, enrollment_historicalheir CASCADE"
        )
    campaign, _ = Campaign.objects.get_or_create(
        slug="bench-import",
        defaults={
            "name": "Bench import",
            "organizer": Region.objects.get(code="32"),
            "created_by": official,
            "status": Campaign.Status.ACTIVE,
            "starts_on": today - dt.timedelta(days=30),
            "ends_on": today + dt.timedelta(days=300),
        },
    )
    villages = list(Region.objects.filter(code__startswith="32.14.", level=Region.Level.VILLAGE))
    Quota.objects.filter(campaign=campaign).delete()
    Quota.objects.bulk_create(
        [Quota(campaign=campaign, village=village, target=rows) for village in villages]
    )
    return official, campaign, [village.code for village in villages]


def ours(data: bytes, official, campaign) -> tuple[float, float, int]:
    from imports import services

    batch = services.import_upload(
        kind="signups", campaign=campaign, data=data, file_name="bench.csv", by=official
    )
    started = time.perf_counter()
    services.import_check(batch)
    checked = time.perf_counter() - started
    started = time.perf_counter()
    services.import_commit(batch, by=official)
    committed = time.perf_counter() - started
    batch.file.delete(save=False)
    return checked, committed, batch.enrolled


def branch_list(data: bytes, official, campaign) -> tuple[float, dict]:
    """The branch's list of the same workers (NIK, name, KPJ), matched against the enrollments just
    committed; nothing is confirmed."""
    from imports import reconcile, services
    from regions.models import Region

    lines = data.decode().splitlines()[1:]
    rows = ["NIK,Nama,No KPJ"] + [
        f"{line.split(';')[0]},{line.split(';')[1].upper()},25{n:09d}" for n, line in enumerate(lines)
    ]
    batch = services.import_upload(
        kind="branch_list",
        campaign=campaign,
        data="\n".join(rows).encode(),
        file_name="bpjs.csv",
        by=official,
        region=Region.objects.get(code="32.14"),
    )
    started = time.perf_counter()
    reconcile.reconcile_check(batch)
    elapsed = time.perf_counter() - started
    batch.file.delete(save=False)
    return elapsed, batch.summary["counts"]


def theirs(data: bytes, official, campaign) -> tuple[float, int]:
    """django-import-export, its fastest configuration, with the same rules checked per row."""
    import tablib
    from django.db.models import F
    from django.utils import timezone
    from import_export import fields, resources, widgets

    from campaigns.models import Quota
    from enrollment.models import Enrollment, Worker
    from enrollment.nik import check_nik
    from imports.reading import clean_nik

    class EnrollmentResource(resources.ModelResource):
        nik = fields.Field(
            column_name="nik", attribute="worker", widget=widgets.ForeignKeyWidget(Worker, "nik")
        )
        nama = fields.Field(column_name="nama", attribute="full_name")
        kode_desa = fields.Field(
            column_name="kode_desa",
            attribute="village",
            widget=widgets.ForeignKeyWidget(Quota.village.field.related_model, "code"),
        )
        pekerjaan = fields.Field(column_name="pekerjaan", attribute="occupation")

        class Meta:
            model = Enrollment
            fields = ("nik", "nama", "kode_desa", "pekerjaan")
            import_id_fields = ()
            use_bulk = True
            batch_size = 2000
            skip_diff = True
            force_init_instance = True

        def before_import_row(self, row, **kwargs):
            check = check_nik(clean_nik(row["nik"]))
            if not check.valid:
                raise ValueError("; ".join(check.errors))
            row["nik"] = check.nik
            Worker.objects.get_or_create(
                nik=check.nik, defaults={"birth_date": check.birth_date, "sex": check.sex}
            )
            quota = Quota.objects.for_user(official).filter(campaign=campaign, village__code=row["kode_desa"])
            if not quota.exists():
                raise ValueError("not a village of this campaign in your area")
            if Enrollment.objects.open_in(campaign).filter(worker__nik=check.nik).exists():
                raise ValueError("already enrolled in this campaign")
            if not quota.filter(filled__lt=F("target")).update(
                filled=F("filled") + 1, registered_count=F("registered_count") + 1
            ):
                raise ValueError("village full")

        def before_save_instance(self, instance, row, **kwargs):
            instance.campaign = campaign
            instance.entered_by = official
            instance.consent_collected_by = official
            instance.consent_given_at = timezone.now()
            instance.monthly_income = 0
            instance.occupation = "petani"

    dataset = tablib.Dataset().load(data.decode(), format="csv", delimiter=";")
    started = time.perf_counter()
    result = EnrollmentResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    return elapsed, result.totals["new"]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--theirs", type=int, default=10_000, help="rows for django-import-export (0: skip)")
    args = parser.parse_args()
    ensure_database()

    import django

    django.setup()
    from django.db import connection, transaction

    official, campaign, codes = world(max(args.rows, args.theirs))
    data = sign_ups(args.rows, codes)
    if args.theirs:  # first, on the empty campaign, and rolled back
        try:
            with transaction.atomic():
                elapsed, created = theirs(sign_ups(args.theirs, codes), official, campaign)
                raise Rollback
        except Rollback:
            pass
        their_rate = args.theirs / elapsed
        print(
            f"django-import-export: {args.theirs:,} rows in {elapsed:.1f} s, {their_rate:,.0f} rows/s; {created:,} created"
        )
    checked, committed, enrolled = ours(data, official, campaign)
    # The list is matched as it would be in use: against enrollments committed, with the planner's
    # statistics up to date (inside the import's own transaction they are not, and the plan differs).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE enrollment_enrollment; ANALYZE enrollment_worker")
    matched, counts = branch_list(data, official, campaign)
    rate = args.rows / (checked + committed)
    print(
        f"Desa100: {args.rows:,} rows ({len(data) / 1e6:.1f} MB): dry run {checked:.1f} s, commit {committed:.1f} s, "
        f"{rate:,.0f} rows/s end to end ({args.rows / committed:,.0f} rows/s for the commit alone); "
        f"{enrolled:,} enrolled"
    )
    print(f"branch list of the same {args.rows:,} workers matched in {matched:.1f} s: {counts}")
    if args.theirs:
        print(f"ratio: {rate / their_rate:.1f}x")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
