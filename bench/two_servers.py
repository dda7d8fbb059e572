"""Two app servers, two task workers, one database behind pgbouncer: agents keep entering while an
import is checked and saved on a worker, and one app server is killed halfway.

    .venv/bin/python bench/two_servers.py [--agents 16] [--seconds 40] [--rows 20000]

Run as root (it starts pgbouncer with deploy/pgbouncer). A fresh database `desa100_servers` (Kab.
Purwakarta, an active campaign, the agents: bench/enroll_load's setup) reached through pgbouncer in
transaction mode on 6432; gunicorn on 8791 and 8792 (two workers each) and two `manage.py
task_worker`s, every one of them its own process group as it would be its own machine. An official's
import of `--rows` sign-ups is queued (checked, then saved, by whichever worker takes it). Agents
(bench/field_agents.py) spread over both servers and move to the other when theirs stops answering,
as behind a load balancer. Halfway the second server is killed (SIGKILL to its whole process group: a
machine lost, not a shutdown). At the end: every acknowledged entry is in the database, the import is
saved whole, and `check_integrity` is clean. (That a scheduled job started on both servers at once
runs once is tested in tests/operations/test_schedule.py.)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIRECT = "postgres://postgres@127.0.0.1:5432/desa100_servers"
POOLED = "postgres://postgres@127.0.0.1:6432/desa100_servers"
os.environ["BENCH_DATABASE_URL"] = DIRECT
os.environ["DESA100_IMPORT_INLINE_BYTES"] = "0"  # the import goes to the workers, whatever its size
sys.path.insert(0, str(ROOT))

from bench import enroll_load  # noqa: E402
from bench.field_agents import FieldAgent, Tally  # noqa: E402
from bench.import_check import sign_ups  # noqa: E402

PORTS = (8791, 8792)


def pooled_env() -> dict:
    return {
        **enroll_load.production_env(),
        "DATABASE_URL": POOLED,
        "CONN_MAX_AGE": "60",
        "DESA100_IMPORT_INLINE_BYTES": "0",
        "DJANGO_LOG_LEVEL": "ERROR",
    }


def start(command: list, name: str) -> subprocess.Popen:
    log = open(enroll_load.RESULTS / f"two-servers-{name}.log", "w")  # noqa: SIM115  # open while it runs
    return subprocess.Popen(
        command, cwd=ROOT, env=pooled_env(), stdout=log, stderr=log, start_new_session=True
    )


def gunicorn(port: int) -> subprocess.Popen:
    server = start(
        [enroll_load.BIN / "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"],
        f"app-{port}",
    )
    return enroll_load.answering(server, f"http://127.0.0.1:{port}")


def kill(process: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
    with contextlib.suppress(ProcessLookupError):  # gone already
        os.killpg(process.pid, sig)
    process.wait()


def import_queued(rows: int):
    """An official's import of `rows` sign-ups into the campaign's villages, queued for the workers."""
    from accounts.models import User
    from campaigns.models import Quota
    from imports import services, tasks

    admin = User.objects.get(username="bench-admin")
    quotas = list(Quota.objects.select_related("village", "campaign").order_by("-village__code")[:20])
    data = sign_ups(rows, [quota.village.code for quota in quotas])
    batch = services.import_upload(
        kind="signups", campaign=quotas[0].campaign, data=data, file_name="musdes.csv", by=admin
    )
    tasks.start(batch, "check")
    return batch


def wait_for(batch, states: set[str], seconds: float) -> str:
    deadline = time.time() + seconds
    while time.time() < deadline:
        batch.refresh_from_db()
        if batch.state in states:
            return batch.state
        time.sleep(0.5)
    return batch.state


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()

    subprocess.run([ROOT / "deploy" / "pgbouncer", "start"], check=True, capture_output=True)
    enroll_load.recreate_database()
    enroll_load.setup_django()
    agents, _ = enroll_load.prepare(args.agents, 0)
    enroll_load.RESULTS.mkdir(exist_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=pooled_env(),
        check=True,
    )

    servers = [gunicorn(port) for port in PORTS]
    workers = [start([sys.executable, "manage.py", "task_worker"], f"worker-{n}") for n in (1, 2)]
    batch = import_queued(args.rows)
    tally, stop = Tally(), threading.Event()
    hosts = [f"http://127.0.0.1:{port}" for port in PORTS]
    crowd = [
        FieldAgent(name, enroll_load.PASSWORD, int(quota), hosts, tally, stop)
        for name, quota in (entry.split(":") for entry in agents.split(","))
    ]
    for agent in crowd:
        agent.start()
    checked = wait_for(batch, {"checked", "failed"}, args.seconds / 2)
    if checked == "checked":
        from imports import tasks

        tasks.start(batch, "commit")
    time.sleep(max(0.0, args.seconds / 2 - (time.time() - batch.uploaded_at.timestamp())))
    killed = time.time()
    kill(servers[1])
    before_kill = sum(1 for at in tally.acknowledged.values() if at <= killed)
    time.sleep(args.seconds / 2)
    stop.set()
    for agent in crowd:
        agent.join(20)
    saved = wait_for(batch, {"done", "failed"}, 300)
    for process in [servers[0], *workers]:
        kill(process, signal.SIGTERM)

    from enrollment.models import Worker

    present = set(Worker.objects.filter(nik__in=list(tally.acknowledged)).values_list("nik", flat=True))
    lost = set(tally.acknowledged) - present
    imported = batch.enrollments.count()
    integrity = subprocess.run(
        [sys.executable, "manage.py", "check_integrity"],
        cwd=ROOT,
        env=pooled_env(),
        capture_output=True,
        text=True,
    )
    print(
        f"\n{args.agents} agents on 2 servers (2 gunicorn workers each) and 2 task workers, through pgbouncer; "
        f"{args.seconds} s; load average {os.getloadavg()[0]:.2f}\n"
        f"acknowledged: {len(tally.acknowledged)} ({len(tally.acknowledged) / args.seconds:.1f}/s); "
        f"by server {dict(tally.served_by)}; {before_kill} before the second server was killed\n"
        f"acknowledged but missing: {len(lost)}\n"
        f"requests that failed (typed again): {dict(tally.failures)}\n"
        f"the import of {args.rows} rows: {checked} then {saved}"
        f", {imported} enrolled (of {batch.valid} valid rows)\n"
        f"check_integrity: {'clean' if integrity.returncode == 0 else integrity.stdout + integrity.stderr}"
    )
    subprocess.run([ROOT / "deploy" / "pgbouncer", "stop"], check=False)
    sys.exit(0 if not lost and integrity.returncode == 0 and saved == "done" else 1)


if __name__ == "__main__":
    main()
