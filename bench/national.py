"""The whole country on one machine: build (or reuse) a PostgreSQL database with all 83,762 villages,
a national campaign of 100 per village and N enrollments, then time every page for every role.

    .venv/bin/python bench/national.py                         # 8.4 million enrollments (builds once)
    .venv/bin/python bench/national.py --enrollments 1000000   # a quicker run
    .venv/bin/python bench/national.py --rebuild               # drop the database and build again

The database is `desa100_national` on the local PostgreSQL unless NATIONAL_DATABASE_URL says
otherwise. Figures go to bench/RESULTS.md by hand, with the date and the machine.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("NATIONAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desa100_national")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")  # as in production: no query log kept in memory
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")  # the Django test client's host

NATIONAL = 8_376_200  # 100 in each of the 83,762 villages


def ensure_database(rebuild: bool) -> None:
    import psycopg2

    server, name = URL.rsplit("/", 1)
    admin = psycopg2.connect(f"{server}/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        if rebuild:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--enrollments", type=int, default=NATIONAL)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page and role")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--pages", default="", help="only the pages whose label contains this text")
    parser.add_argument("--downloads-only", action="store_true", help="time the exports, not the pages")
    parser.add_argument("--billing", action="store_true", help="time bill generation and the arrears list")
    parser.add_argument(
        "--targets", action="store_true", help="build 30 million target people, time targeting"
    )
    parser.add_argument("--admin", action="store_true", help="every admin changelist, generated (issue 25)")
    parser.add_argument(
        "--crawl", action="store_true", help="every page each role reaches by links and forms (issue 25)"
    )
    parser.add_argument("--target-provinces", default="", help="with --targets: only these provinces (32,13)")
    args = parser.parse_args()
    ensure_database(args.rebuild)

    import django

    django.setup()
    from django.core.management import call_command

    from bench import national_build

    call_command("migrate", verbosity=0)
    held = national_build.built_enrollments()
    if held is None:
        started = time.monotonic()
        call_command("import_regions", verbosity=0)
        national_build.log(f"regions imported in {time.monotonic() - started:.0f} s")
        national_build.build(args.enrollments)
    elif held != args.enrollments:
        sys.exit(f"The database holds {held} enrollments, not {args.enrollments}: add --rebuild.")
    if not args.build_only:
        from bench import national_billing, national_pages

        national_billing.ensure_bills()  # the billing pages need a month's bills
        if args.billing:
            national_billing.measure()
            return
        if args.admin:
            from bench import national_admin

            national_admin.measure(runs=min(args.runs, 5), only=args.pages)
            return
        if args.crawl:
            from bench import national_crawl

            national_crawl.measure(runs=min(args.runs, 5), only=args.pages)
            return
        if args.targets:
            from bench import national_targets

            national_targets.ensure_targets(args.target_provinces)
            national_targets.measure(runs=min(args.runs, 10))
            return

        if not args.downloads_only:
            national_pages.measure(runs=args.runs, only=args.pages)
        national_pages.measure_downloads(only=args.pages)
        national_pages.measure_payment()


if __name__ == "__main__":
    main()
