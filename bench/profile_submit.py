"""Profile one enrollment submit: its queries, its CPU over 500 submits, then cProfile over 100.

    .venv/bin/python bench/enroll_load.py --seconds 10     # builds desa100_bench (agents, campaign)
    .venv/bin/python bench/profile_submit.py               # queries, CPU a submit (500, no profiler), cProfile

Runs through Django's test client against the load test's database (BENCH_DATABASE_URL), as agent
`agen0` posting "save and add another" through htmx the way the page does.
"""

import cProfile
import os
import pstats
import random
import resource
import sys
import time
from pathlib import Path

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desa100_bench"
)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from campaigns.models import Quota  # noqa: E402

SUBMITS = 100
TIMED = 500  # without the profiler


def entry(quota: Quota, serial: int) -> dict:
    nik = f"3214{random.randint(10, 99)}{random.randint(1, 28):02d}{random.randint(1, 12):02d}{random.randint(70, 99):02d}{serial:04d}"
    return {
        "quota": quota.pk, "nik": nik, "full_name": f"Pekerja {serial}", "phone": "0812 3456 7890",
        "address": "Kp. Cibodas", "occupation": "petani", "monthly_income": "1500000", "heir_name": "Ahli",
        "heir_relationship": "spouse", "not_hospitalised": "on", "consent": "on", "add_another": "1",
    }  # fmt: skip


def main() -> None:
    agent = User.objects.get(username="agen0")
    quota = Quota.objects.filter(village__in=agent.regions.all()).first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(agent)
    serial = random.randint(1000, 8000)
    client.post("/enrollments/new/", entry(quota, serial), HTTP_HX_REQUEST="true")  # warm up
    with CaptureQueriesContext(connection) as queries:
        client.post("/enrollments/new/", entry(quota, serial + 1), HTTP_HX_REQUEST="true")
    print(f"{len(queries.captured_queries)} queries in one submit:")
    for query in queries.captured_queries:
        print(f"  {query['time']}s  {query['sql'][:110]}")
    timed(client, quota, serial + 10_000)
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    for n in range(SUBMITS):
        client.post("/enrollments/new/", entry(quota, serial + 2 + n), HTTP_HX_REQUEST="true")
    profile.disable()
    print(f"\n{(time.perf_counter() - started) * 1000 / SUBMITS:.1f} ms per submit (with the profiler on)")
    pstats.Stats(profile).sort_stats("cumulative").print_stats(r"enrollment/|campaigns/|config/|regions/", 30)
    if os.environ.get("PROFILE_ALL"):  # every function, sorted by this key (tottime, cumulative)
        pstats.Stats(profile).sort_stats(os.environ["PROFILE_ALL"]).print_stats(60)


def backend_cpu(pid: int) -> float:
    """CPU seconds the PostgreSQL backend `pid` has used (user + system, /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(client: Client, quota: Quota, first: int) -> None:
    """CPU a submit, without the profiler: this process (the application, and the test client's own
    small share) and the PostgreSQL backend serving it (same machine: /proc)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    app, database, started = resource.getrusage(resource.RUSAGE_SELF), backend_cpu(pid), time.perf_counter()
    for n in range(TIMED):
        client.post("/enrollments/new/", entry(quota, first + n), HTTP_HX_REQUEST="true")
    wall = (time.perf_counter() - started) * 1000 / TIMED
    after = resource.getrusage(resource.RUSAGE_SELF)
    app_ms = (after.ru_utime + after.ru_stime - app.ru_utime - app.ru_stime) * 1000 / TIMED
    database_ms = (backend_cpu(pid) - database) * 1000 / TIMED
    print(
        f"\n{TIMED} submits: {wall:.1f} ms each; CPU {app_ms:.1f} ms in the application"
        f" + {database_ms:.1f} ms in PostgreSQL = {app_ms + database_ms:.1f} ms"
    )


if __name__ == "__main__":
    main()
