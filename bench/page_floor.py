"""The cost of a page before its data (issue 25): CPU time of the application per request, as a role.

    .venv/bin/python bench/page_floor.py pejabat.32.14 /accounts/password/ / /enrollments/

On the national database (`NATIONAL_DATABASE_URL`, as bench/national.py) unless DATABASE_URL says
otherwise; through Django's test client with DEBUG off and one persistent connection, 5 untimed then
40 timed requests a page: the median of the process's CPU time (`time.process_time`, the
application's Python, not PostgreSQL's) and of the wall time. Latest figures: bench/RESULTS.md.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault(
    "DATABASE_URL",
    os.environ.get("NATIONAL_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desa100_national"),
)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
os.environ.setdefault("DJANGO_DEBUG", "false")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")


def main() -> None:
    import django

    django.setup()
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections
    from django.test import Client

    from accounts.models import User

    logging.disable(logging.WARNING)
    request_started.disconnect(close_old_connections)  # one connection kept, as CONN_MAX_AGE does
    request_finished.disconnect(close_old_connections)
    role, paths = sys.argv[1], sys.argv[2:]
    client = Client()
    client.force_login(User.objects.get(username=role))
    print("| page | role | CPU p50 ms | wall p50 ms | KB |\n| --- | --- | ---: | ---: | ---: |")
    for path in paths:
        for _ in range(5):
            response = client.get(path)
        cpu, wall = [], []
        for _ in range(40):
            started_cpu, started = time.process_time(), time.perf_counter()
            client.get(path)
            cpu.append((time.process_time() - started_cpu) * 1000)
            wall.append((time.perf_counter() - started) * 1000)
        print(
            f"| `{path}` | {role} | {statistics.median(cpu):.1f} | {statistics.median(wall):.1f} | "
            f"{len(response.content) / 1000:.0f} |"
        )


if __name__ == "__main__":
    main()
