"""Failover drill: the primary dies while agents enter sign-ups; the standby is promoted; how many
acknowledged entries are missing afterwards?

    .venv/bin/python bench/failover_drill.py --commit async    # PostgreSQL's default
    .venv/bin/python bench/failover_drill.py --commit sync     # synchronous_commit = remote_apply

Run as root (it makes two PostgreSQL clusters with Debian's tools, on ports 5434 and 5435, and drops
them after). A primary with Kab. Purwakarta, an active campaign and the agents (bench/enroll_load's
setup), a streaming standby of it (deploy/standby), gunicorn on the primary, and agents entering
sign-ups from threads (bench/field_agents.py), each remembering every NIK the server acknowledged.
Halfway, the primary is killed (`pg_ctlcluster … stop -m immediate`: a power cut, not a shutdown),
the standby promoted, and the app servers pointed at it (the failover procedure, README). Then the
acknowledged NIKs are looked up on the new primary. Figures: bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRIMARY, STANDBY = ("drill_primary", 5434), ("drill_standby", 5435)
URL = "postgres://postgres@127.0.0.1:{port}/desa100_drill"
os.environ["BENCH_DATABASE_URL"] = URL.format(port=PRIMARY[1])
sys.path.insert(0, str(ROOT))

from bench import clusters, enroll_load  # noqa: E402
from bench.clusters import VERSION, sh, sql  # noqa: E402
from bench.field_agents import FieldAgent, Tally  # noqa: E402

STANDBY_ENV = {
    **os.environ,
    "PRIMARY_PORT": str(PRIMARY[1]),
    "STANDBY_PORT": str(STANDBY[1]),
    "STANDBY_NAME": STANDBY[0],
}
PORT = 8781


def make_primary() -> None:
    clusters.create(*PRIMARY)
    sql(PRIMARY[1], "CREATE DATABASE desa100_drill")


def synchronous(commit: str) -> None:
    if commit == "sync":  # each commit waits until the standby has applied it
        sql(PRIMARY[1], "ALTER SYSTEM SET synchronous_standby_names = '*'")
        sql(PRIMARY[1], "ALTER SYSTEM SET synchronous_commit = 'remote_apply'")
        sql(PRIMARY[1], "SELECT pg_reload_conf()")
    state = sql(
        PRIMARY[1], "SELECT string_agg(application_name || ' ' || sync_state, ', ') FROM pg_stat_replication"
    )
    print(f"replication: {state}; synchronous_commit = {sql(PRIMARY[1], 'SHOW synchronous_commit')}")


def serve(port: int) -> subprocess.Popen:
    env = {
        **enroll_load.production_env(),
        "DATABASE_URL": URL.format(port=port),
        "CONN_MAX_AGE": "0",
        "DJANGO_LOG_LEVEL": "CRITICAL",  # the 503s while the database is away are expected here
    }
    log = open(enroll_load.RESULTS / f"failover-{port}.log", "w")  # noqa: SIM115  # open while it runs
    server = subprocess.Popen(
        [enroll_load.BIN / "gunicorn", "config.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{PORT}"],
        cwd=ROOT, env=env, stdout=log, stderr=log,
    )  # fmt: skip
    return enroll_load.answering(server, f"http://127.0.0.1:{PORT}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", choices=["async", "sync"], default="async")
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--seconds", type=int, default=20, help="the whole run; the primary dies halfway")
    args = parser.parse_args()

    clusters.drop(STANDBY[0], PRIMARY[0])
    make_primary()
    enroll_load.setup_django()
    agents, _ = enroll_load.prepare(args.agents, 0)
    sh("deploy/standby", "start", cwd=ROOT, env=STANDBY_ENV)
    synchronous(args.commit)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=enroll_load.production_env(),
        check=True,
    )

    server = serve(PRIMARY[1])
    tally, stop = Tally(), threading.Event()
    hosts = [f"http://127.0.0.1:{PORT}"]
    crowd = [
        FieldAgent(name, enroll_load.PASSWORD, int(quota), hosts, tally, stop)
        for name, quota in (entry.split(":") for entry in agents.split(","))
    ]
    for agent in crowd:
        agent.start()
    time.sleep(args.seconds / 2)

    crashed = time.time()
    sh("pg_ctlcluster", VERSION, PRIMARY[0], "stop", "-m", "immediate")
    before = {nik for nik, at in tally.acknowledged.items() if at <= crashed}
    sh("deploy/standby", "promote", cwd=ROOT, env=STANDBY_ENV)
    server.terminate()
    server.wait()
    server = serve(STANDBY[1])  # the app servers now reach the promoted standby
    time.sleep(args.seconds / 2)
    stop.set()
    for agent in crowd:
        agent.join(20)
    server.terminate()
    server.wait()

    present = set(sql(STANDBY[1], "SELECT nik FROM enrollment_worker", "desa100_drill").split())
    lost = sorted(set(tally.acknowledged) - present)  # every acknowledged entry, before and after
    times = sorted(tally.acknowledged.values())
    stopped = max(later - earlier for earlier, later in itertools.pairwise(times))
    integrity = subprocess.run(
        [sys.executable, "manage.py", "check_integrity"], cwd=ROOT,
        env={**enroll_load.production_env(), "DATABASE_URL": URL.format(port=STANDBY[1])}, capture_output=True, text=True,
    )  # fmt: skip
    print(
        f"\nsynchronous_commit {'remote_apply' if args.commit == 'sync' else 'on (asynchronous replication)'}, "
        f"{args.agents} agents, {args.seconds} s, load average {os.getloadavg()[0]:.2f}\n"
        f"acknowledged before the primary died: {len(before)} ({len(before) / (args.seconds / 2):.1f}/s), "
        f"in all: {len(tally.acknowledged)}\n"
        f"acknowledged but missing on the promoted standby: {len(lost)}"
        f"{' ' + ', '.join(n[:4] + '…' for n in lost[:5]) if lost else ''}\n"
        f"entries stopped for {stopped:.1f} s (the longest gap between two acknowledgements)\n"
        f"requests that failed meanwhile (typed again): {dict(tally.failures)}\n"
        f"check_integrity on the new primary: {'clean' if integrity.returncode == 0 else integrity.stdout + integrity.stderr}"
    )
    clusters.drop(STANDBY[0], PRIMARY[0])
    sys.exit(0 if integrity.returncode == 0 else 1)


if __name__ == "__main__":
    main()
