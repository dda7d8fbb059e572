"""PostgreSQL clusters made and dropped with Debian's tools, for the drills (failover, point in time
recovery). Root only: pg_createcluster writes under /etc/postgresql and /var/lib/postgresql."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

VERSION = sorted(os.listdir("/etc/postgresql"), key=lambda v: [int(p) for p in v.split(".")])[-1]


def sh(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(part) for part in command], check=True, capture_output=True, text=True, **kwargs
    )


def sql(port: int, statement: str, database: str = "postgres") -> str:
    return sh(
        "psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", database, "-tAXc", statement
    ).stdout.strip()


def drop(*names: str) -> None:
    for name in names:
        subprocess.run(["pg_dropcluster", "--stop", VERSION, name], capture_output=True)


def create(name: str, port: int, settings: str = "", *, start: bool = True) -> Path:
    """A new cluster letting in whom this machine's main cluster lets in; its data directory."""
    sh("pg_createcluster", VERSION, name, "-p", str(port), "--start-conf=manual")
    conf = Path(f"/etc/postgresql/{VERSION}/{name}")
    sh("cp", sql(5432, "SHOW hba_file"), conf / "pg_hba.conf")
    if settings:
        (conf / "conf.d" / "drill.conf").write_text(settings)
    if start:
        sh("pg_ctlcluster", VERSION, name, "start")
    return Path(f"/var/lib/postgresql/{VERSION}/{name}")
