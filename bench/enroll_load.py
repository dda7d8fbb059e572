"""Load test: 40 village agents entering enrollments while 10 officials browse, for 2 minutes.

    .venv/bin/pip install --require-hashes -r requirements/bench.txt
    .venv/bin/python bench/enroll_load.py [--users 40] [--officials 10] [--seconds 120] [--workers 4]

It builds a fresh PostgreSQL database `desa100_bench` (BENCH_DATABASE_URL to change it) with Kab.
Purwakarta, an active campaign and 20 agents (two per village, so they compete for the same quota
rows), serves the app with gunicorn on 127.0.0.1 and drives it with locust. It prints enrollments per
second, p50/p95/p99 latency and errors, then checks that every quota's `filled` equals the count of
its slot-holding enrollments and runs `manage.py check_integrity`. Loopback only. Latest figures are
in bench/README.md.

The timed window opens once every user has signed in (sign-ins are not the app's throughput) and
closes when locust stops; the enrollments counted are those the database saved inside it. Beside the
throughput it reports where the machine's CPU went in the window: the gunicorn workers, PostgreSQL,
the load generator itself, and the rest, from /proc, with the CPU per request.
"""

import argparse
import csv
import datetime as dt
import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
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
        # The officials of the load run sign in with a password only: they stand for browsing load,
        # and an authenticator's code per simulated official would time the sign-in, not the pages.
        "DESA100_TWO_FACTOR_REQUIRED": "false",
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
    return answering(server, f"http://127.0.0.1:{PORT}")


def answering(server: subprocess.Popen, url: str) -> subprocess.Popen:
    """The server, once `url`/healthz answers (ten seconds at most)."""
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit(f"gunicorn on {url} did not start")


TICK = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:  # gone in between
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            with open(f"/proc/{parent}/task/{parent}/children") as children:
                kids = [int(kid) for kid in children.read().split()]
        except OSError:
            kids = []
        found += kids
        queue += kids
    return found


def _postgres_pids() -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/comm") as comm:
                    if comm.read().strip() in ("postgres", "postmaster"):
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


@dataclass
class CpuSnapshot:
    at: float
    groups: dict[str, float]
    busy: float  # every core's non-idle time, from /proc/stat

    @classmethod
    def take(cls, server: subprocess.Popen, generator: subprocess.Popen) -> "CpuSnapshot":
        with open("/proc/stat") as stat:
            ticks = [int(value) for value in stat.readline().split()[1:]]
        groups = {
            "gunicorn": sum(map(_process_cpu, [server.pid, *_descendants(server.pid)])),
            "PostgreSQL": sum(map(_process_cpu, _postgres_pids())),
            "load generator (locust)": sum(map(_process_cpu, [generator.pid, *_descendants(generator.pid)])),
        }
        return cls(time.time(), groups, (sum(ticks) - ticks[3] - ticks[4]) / TICK)


@dataclass
class Window:
    start: CpuSnapshot
    end: CpuSnapshot

    @property
    def seconds(self) -> float:
        return self.end.at - self.start.at

    def cpu(self) -> dict[str, float]:
        used = {name: self.end.groups[name] - self.start.groups[name] for name in self.start.groups}
        used["the rest of the machine"] = self.end.busy - self.start.busy - sum(used.values())
        return used


def load(agents: str, officials: str, users: int, seconds: int, server: subprocess.Popen) -> Window:
    """Run locust; the window from the moment every user has signed in to the end of the run."""
    RESULTS.mkdir(exist_ok=True)
    window_file = RESULTS / "window-start"
    window_file.unlink(missing_ok=True)
    generator = subprocess.Popen(
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
        env={
            **os.environ,
            "BENCH_AGENTS": agents,
            "BENCH_OFFICIALS": officials,
            "BENCH_PASSWORD": PASSWORD,
            "BENCH_WINDOW_FILE": str(window_file),
        },
    )
    while not window_file.exists() and generator.poll() is None:
        time.sleep(0.05)
    start = CpuSnapshot.take(server, generator)
    start.at = float(window_file.read_text() or start.at) if window_file.exists() else start.at
    while generator.poll() is None:
        end = CpuSnapshot.take(server, generator)  # the last reading before locust exits
        time.sleep(0.2)
    return Window(start, end)


def report(window: Window) -> None:
    from enrollment.models import Enrollment

    with open(RESULTS / "enroll_stats.csv") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    # Counted in the database, inside the window: locust's statistics leave out requests in flight.
    opened, closed = (dt.datetime.fromtimestamp(at, tz=dt.UTC) for at in (window.start.at, window.end.at))
    saved = Enrollment.objects.filter(entered_at__gte=opened, entered_at__lt=closed).count()
    requests = int(rows["Aggregated"]["Request Count"])
    print(
        f"\nenrollments saved in the timed window: {saved} in {window.seconds:.0f} s = "
        f"{saved / window.seconds:.1f} enrollments/s; {requests / window.seconds:.1f} requests/s; "
        f"load average at the end {os.getloadavg()[0]:.2f}"
    )
    for label, row in rows.items():
        print(
            f"{label:<42} p50 {row['50%']:>5} ms  p95 {row['95%']:>5} ms  p99 {row['99%']:>5} ms  "
            f"errors {row['Failure Count']} of {row['Request Count']}"
        )
    cores = os.cpu_count() or 1
    print(f"\nCPU in the window ({cores} cores = {cores * window.seconds:.0f} core-seconds):")
    for name, used in window.cpu().items():
        print(
            f"  {name:<26} {used:6.1f} s = {used / window.seconds:.2f} cores"
            f"  ({used * 1000 / max(requests, 1):.1f} ms a request)"
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
        window = load(agents, officials, args.users + args.officials, args.seconds, server)
    finally:
        server.terminate()
        server.wait()
    report(window)
    quotas_agree = check_quotas()
    integrity = subprocess.run(
        [sys.executable, "manage.py", "check_integrity"], cwd=ROOT, env=production_env()
    )
    sys.exit(0 if quotas_agree and integrity.returncode == 0 else 1)


if __name__ == "__main__":
    main()
