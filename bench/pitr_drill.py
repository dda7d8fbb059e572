"""Point-in-time recovery, tried: WAL archiving, a base backup, an accident, and the database
restored to the minute before it.

    .venv/bin/python bench/pitr_drill.py

Run as root (two clusters with Debian's tools on ports 5436 and 5437, dropped after; the archive in
/var/lib/postgresql/desa100-pitr-drill). The first cluster archives its WAL (archive_mode, the
archive_command of the README), holds a Desa100 database (Kab. Purwakarta, a campaign, agents:
bench/enroll_load's setup) and is base-backed-up (pg_basebackup). Then workers are enrolled, the
time is noted, and the accident comes: every heir deleted (a wrong command, a bad script). The
second cluster is the restore: the base backup, `restore_command` reading the archive and
`recovery_target_time` the noted time. The drill passes when the restored database has every
enrollment and heir of before the accident, and `check_integrity` is clean. Figures: RESULTS.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRIMARY, RESTORE = ("pitr_primary", 5436), ("pitr_restore", 5437)
ARCHIVE = Path("/var/lib/postgresql/desa100-pitr-drill")
os.environ["BENCH_DATABASE_URL"] = f"postgres://postgres@127.0.0.1:{PRIMARY[1]}/desa100_pitr"
sys.path.insert(0, str(ROOT))

from bench import clusters, enroll_load  # noqa: E402
from bench.clusters import VERSION, sh, sql  # noqa: E402

ARCHIVING = f"""
archive_mode = on
archive_command = 'test ! -f {ARCHIVE}/%f && cp %p {ARCHIVE}/%f'
archive_timeout = 60
"""


def counts(port: int) -> tuple[int, int]:
    enrollments = int(sql(port, "SELECT count(*) FROM enrollment_enrollment", "desa100_pitr"))
    return enrollments, int(sql(port, "SELECT count(*) FROM enrollment_heir", "desa100_pitr"))


def enroll_some(n: int) -> None:
    from accounts.models import User
    from campaigns.models import Quota
    from enrollment.services import enrollment_register

    agent = User.objects.filter(role=User.Role.AGENT).first()
    quota = Quota.objects.select_related("campaign", "village").get(
        campaign__slug="bench", village=agent.regions.get()
    )
    for serial in range(n):
        declaration = {
            "full_name": f"Pekerja {serial}", "phone": "+6281234567890", "address": "Kp. Cibodas",
            "occupation": "petani", "occupation_other": "", "monthly_income": 1_500_000, "kk_number": "",
            "declared_not_hospitalised": True,
        }  # fmt: skip
        enrollment_register(
            campaign=quota.campaign, village=quota.village, nik=f"321416150895{serial + 1:04d}",
            declaration=declaration, heirs=[{"name": "Euis", "relationship": "spouse", "nik": ""}],
            funding_source=None, entered_by=agent,
        )  # fmt: skip


def main() -> None:
    clusters.drop(RESTORE[0], PRIMARY[0])
    shutil.rmtree(ARCHIVE, ignore_errors=True)
    ARCHIVE.mkdir(parents=True)
    shutil.chown(ARCHIVE, "postgres", "postgres")
    clusters.create(*PRIMARY, ARCHIVING)
    sql(PRIMARY[1], "CREATE DATABASE desa100_pitr")
    enroll_load.setup_django()
    enroll_load.prepare(4, 0)

    started = time.time()
    backup = ARCHIVE.parent / "desa100-pitr-base"
    shutil.rmtree(backup, ignore_errors=True)
    sh(
        "su",
        "postgres",
        "-c",
        f"pg_basebackup -h 127.0.0.1 -p {PRIMARY[1]} -U postgres -D {backup} -X stream -c fast",
    )
    base_seconds = time.time() - started

    enroll_some(50)
    wanted = counts(PRIMARY[1])
    time.sleep(1)
    target = sql(PRIMARY[1], "SELECT now()")
    time.sleep(1)
    sql(PRIMARY[1], "DELETE FROM enrollment_heir", "desa100_pitr")  # the accident
    after_accident = counts(PRIMARY[1])
    sql(PRIMARY[1], "SELECT pg_switch_wal()")  # the last segment to the archive now, not in a minute
    time.sleep(2)

    started = time.time()
    data = clusters.create(*RESTORE, start=False)
    shutil.rmtree(data)
    shutil.copytree(backup, data, symlinks=True)
    sh("chown", "-R", "postgres:postgres", data)
    (data / "recovery.signal").touch()
    (Path(f"/etc/postgresql/{VERSION}/{RESTORE[0]}/conf.d") / "restore.conf").write_text(
        f"restore_command = 'cp {ARCHIVE}/%f %p'\n"
        f"recovery_target_time = '{target}'\n"
        "recovery_target_action = 'promote'\n"
    )
    sh("pg_ctlcluster", VERSION, RESTORE[0], "start")
    for _ in range(120):
        if sql(RESTORE[1], "SELECT pg_is_in_recovery()") == "f":
            break
        time.sleep(0.5)
    restore_seconds = time.time() - started
    restored = counts(RESTORE[1])
    integrity = subprocess.run(
        [sys.executable, "manage.py", "check_integrity"], cwd=ROOT, capture_output=True, text=True,
        env={**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:{RESTORE[1]}/desa100_pitr"},
    )  # fmt: skip
    print(
        f"base backup {base_seconds:.1f} s; before the accident (at {target}): {wanted[0]} enrollments, "
        f"{wanted[1]} heirs; after it: {after_accident[1]} heirs\n"
        f"restored to {target} in {restore_seconds:.1f} s: {restored[0]} enrollments, {restored[1]} heirs; "
        f"check_integrity {'clean' if integrity.returncode == 0 else integrity.stdout + integrity.stderr}"
    )
    ok = restored == wanted and integrity.returncode == 0
    print("PASSED: the database is back as it was before the accident" if ok else "FAILED")
    clusters.drop(RESTORE[0], PRIMARY[0])
    shutil.rmtree(ARCHIVE, ignore_errors=True)
    shutil.rmtree(backup, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
