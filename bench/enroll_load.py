"""Load test: 40 village agents entering enrollments while 10 officials browse, for 2 minutes.

    .venv/bin/pip install --require-hashes -r requirements/bench.txt
    .venv/bin/python bench/enroll_load.py [--users 40] [--officials 10] [--seconds 120] [--workers 4]

It builds a fresh PostgreSQL database `desa100_bench` (BENCH_DATABASE_URL to change it) with Kab.
Purwakarta, an active campaign and 20 agents (two per village, so they compete for the same quota
rows), serves the app with gunicorn on 127.0.0.1 and drives it with locust. It prints enrollments per
second, p50/p95/p99 latency and errors, then checks that every quota's `filled` equals the count of
its slot-holding enrollments and runs `manage.py check_integrity`. Loopback only. Latest figures are
in bench/README.md.
"""

import argparse
import csv
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desa100_bench")
PORT = 8765
PASSWORD = "bench-Password-2026"
RESULTS = ROOT / "bench" / "results"


def recreate_database() -> None:
    import psycopg2

    server, name = DATABASE_URL.rsplit("/", 1)
    connection = psycopg2.connect(f"{server}/postgres")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def setup_django() -> None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(users: int, officials: int) -> tuple[str, str]:
    """Migrate, load Purwakarta, an active campaign with room to spare, and the agents."""
    import datetime as dt
    from io import StringIO

    from django.core.management import call_command

    from accounts.models import User
    from campaigns.models import Campaign, Quota
    from campaigns.services import quota_allocate
    from regions.models import Region

    call_command("migrate", verbosity=0)
    call_command("import_regions", "--only", "32.14", stdout=StringIO())
    admin = User.objects.create_superuser("bench-admin", password=PASSWORD)
    campaign = Campaign.objects.create(
        name="Bench",
        slug="bench",
        organizer=Region.objects.get(code="32.14"),
        created_by=admin,
        starts_on=dt.date.today() - dt.timedelta(days=30),
        ends_on=dt.date.today() + dt.timedelta(days=335),
        min_age=15,
        max_age=65,
    )
    quota_allocate(campaign=campaign, user=admin, region=Region.objects.get(code="32.14"), target=100_000)
    campaign.activate(by=admin)
    quotas = list(Quota.objects.filter(campaign=campaign).select_related("village")[: max(1, users // 2)])
    agents = []
    for i in range(users):
        quota = quotas[i % len(quotas)]
        agent = User.objects.create_user(f"agen{i}", password=PASSWORD, role=User.Role.AGENT)
        agent.regions.set([quota.village])
        agents.append(f"{agent.username}:{quota.pk}")
    names = []
    for i in range(officials):
        official = User.objects.create_user(f"pejabat{i}", password=PASSWORD, role=User.Role.OFFICIAL)
        official.regions.set([Region.objects.get(code="32.14")])
        names.append(official.username)
    return ",".join(agents), ",".join(names)


def production_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "bench-only-not-secret",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_SECURE_COOKIES": "false",
        "DJANGO_LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "60",
    }


def serve(workers: int) -> subprocess.Popen:
    env = production_env()
    # Production serves hashed static files from a manifest, so collect them first (into staticfiles/).
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [
            BIN / "gunicorn",
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(agents: str, officials: str, users: int, seconds: int) -> None:
    RESULTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            BIN / "locust",
            "-f",
            ROOT / "bench" / "locustfile.py",
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            "10",
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            RESULTS / "enroll",
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env={**os.environ, "BENCH_AGENTS": agents, "BENCH_OFFICIALS": officials, "BENCH_PASSWORD": PASSWORD},
        check=False,
    )


def report(seconds: int) -> None:
    from enrollment.models import Enrollment

    with open(RESULTS / "enroll_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    # Counted in the database: locust's statistics leave out requests still in flight at the end.
    saved = Enrollment.objects.count()
    print(f"\nenrollments saved: {saved} in {seconds} s = {saved / seconds:.1f} enrollments/s")
    for label, row in rows.items():
        print(
            f"{label:<42} p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  p99 {row['99%']:>5} ms  "
            f"errors {row['Failure Count']} of {row['Request Count']}"
        )


def check_quotas() -> bool:
    """Invariant 1 after the storm: every quota's `filled` equals its slot-holding enrollments."""
    from collections import Counter

    from campaigns.models import Quota
    from enrollment.models import Enrollment

    holding = Counter(Enrollment.objects.holding_slots().values_list("campaign_id", "village_id"))
    quotas = list(Quota.objects.all())
    wrong = [q for q in quotas if q.filled != holding[(q.campaign_id, q.village_id)]]
    total = sum(q.filled for q in quotas)
    print(
        f"quota check: {len(wrong)} of {len(quotas)} quotas disagree; {total} slots filled, "
        f"{Enrollment.objects.holding_slots().count()} slot-holding enrollments"
    )
    return not wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40, help="village agents")
    parser.add_argument("--officials", type=int, default=10)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    recreate_database()
    setup_django()
    agents, officials = prepare(args.users, args.officials)
    server = serve(args.workers)
    try:
        load(agents, officials, args.users + args.officials, args.seconds)
    finally:
        server.terminate()
        server.wait()
    report(args.seconds)
    quotas_agree = check_quotas()
    integrity = subprocess.run(
        [sys.executable, "manage.py", "check_integrity"], cwd=ROOT, env=production_env()
    )
    sys.exit(0 if quotas_agree and integrity.returncode == 0 else 1)


if __name__ == "__main__":
    main()
