"""Profile one enrollment submit: its CPU over 500 submits, its queries, then cProfile over 100.

    .venv/bin/python bench/enroll_load.py --seconds 10     # builds desa100_bench (agents, campaign)
    .venv/bin/python bench/profile_submit.py               # CPU a submit (500, no profiler), queries, cProfile

Against the load test's database (BENCH_DATABASE_URL), agents posting "save and add another"
through htmx the way the page does: first through Django's WSGI handler as a server would call it,
the agents of ten villages taking turns (the CPU figure), then as agent `agen0` through the test
client (the queries, the profile). A run adds some 150 workers to agen0's village and 50 to each
other: rebuild the database when they have grown far past a village's few hundred, or a village's
own reads are timed at a size no village has. To compare two versions of the code, run each on
the same fresh copy (the machine's speed drifts: alternate them, A B B A):

    psql -h 127.0.0.1 -U postgres -c "CREATE DATABASE desa100_bench_t TEMPLATE desa100_bench"  # once
    psql -h 127.0.0.1 -U postgres -c "DROP DATABASE desa100_bench" \
        -c "CREATE DATABASE desa100_bench TEMPLATE desa100_bench_t"                         # each run
"""

import cProfile
import io
import os
import pstats
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlencode

os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/desa100_bench"
)
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
os.environ["CONN_MAX_AGE"] = "60"  # as in production: the connection kept, health-checked on each request
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from accounts.models import User  # noqa: E402
from campaigns.models import Quota  # noqa: E402

SUBMITS = 100
TIMED = 500  # without the profiler


def entry(quota: Quota, serial: int) -> dict:
    nik = f"3214{random.randint(10, 99)}{random.randint(1, 28):02d}{random.randint(1, 12):02d}{random.randint(70, 99):02d}{serial % 10_000:04d}"
    return {
        "quota": quota.pk, "nik": nik, "full_name": f"Pekerja {serial}", "phone": "0812 3456 7890",
        "address": "Kp. Cibodas", "occupation": "petani", "monthly_income": "1500000", "heir_name": "Ahli",
        "heir_relationship": "spouse", "not_hospitalised": "on", "consent": "on", "add_another": "1",
    }  # fmt: skip


def main() -> None:
    agent = User.objects.get(username="agen0")
    quota = Quota.objects.filter(village__in=agent.regions.all()).first()
    serial = random.randint(1000, 8000)
    timed(serial + SUBMITS + 2)  # serials of their own, past the profiled submits'
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(agent)
    client.post("/enrollments/new/", entry(quota, serial), HTTP_HX_REQUEST="true")  # warm up
    with CaptureQueriesContext(connection) as queries:
        client.post("/enrollments/new/", entry(quota, serial + 1), HTTP_HX_REQUEST="true")
    print(f"{len(queries.captured_queries)} queries in one submit:")
    for query in queries.captured_queries:
        print(f"  {query['time']}s  {query['sql'][:110]}")
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


def timed(first: int) -> None:
    """CPU a submit, without the profiler or the test client: the request built as a WSGI server
    would (an agent's session and CSRF cookies, urlencoded, through htmx) and handed to Django's
    WSGI handler; this process's CPU and that of the PostgreSQL backend serving it (same machine:
    /proc). The connection is kept between requests, as CONN_MAX_AGE keeps it in production (with
    its health check, a SELECT 1 at each request's first query). The agents of ten villages take
    turns, as in the load run, so that no village grows past a real one's size."""
    handler, token = WSGIHandler(), "b" * 32  # a CSRF secret: the cookie's and the header's
    requests = []
    turns = [_signed_in(agent) for agent in User.objects.filter(username__in=[f"agen{n}" for n in range(10)])]
    for n in range(TIMED):
        session_key, quota = turns[n % len(turns)]
        cookies = f"{settings.SESSION_COOKIE_NAME}={session_key}; {settings.CSRF_COOKIE_NAME}={token}"
        requests.append((cookies, urlencode(entry(quota, first + n)).encode()))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    answers: Counter[str] = Counter()
    app, database, started = resource.getrusage(resource.RUSAGE_SELF), backend_cpu(pid), time.perf_counter()
    for cookies, body in requests:
        environ = {
            "REQUEST_METHOD": "POST", "PATH_INFO": "/enrollments/new/", "SCRIPT_NAME": "", "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body), "wsgi.errors": sys.stderr,
            "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
            "HTTP_COOKIE": cookies, "HTTP_X_CSRFTOKEN": token, "HTTP_HX_REQUEST": "true",
        }  # fmt: skip
        response = handler(environ, lambda status, headers, *_: answers.update([_answer(status, headers)]))
        b"".join(response)
        response.close()
    wall = (time.perf_counter() - started) * 1000 / TIMED
    after = resource.getrusage(resource.RUSAGE_SELF)
    app_ms = (after.ru_utime + after.ru_stime - app.ru_utime - app.ru_stime) * 1000 / TIMED
    database_ms = (backend_cpu(pid) - database) * 1000 / TIMED
    print(
        f"\n{TIMED} submits through the WSGI handler ({', '.join(f'{n} {a}' for a, n in answers.items())}): {wall:.1f} ms each;"
        f" CPU {app_ms:.1f} ms in the application + {database_ms:.1f} ms in PostgreSQL = {app_ms + database_ms:.1f} ms"
    )


def _signed_in(agent: User) -> tuple[str, Quota]:
    """The agent signed in, as the sign-in page leaves them (a session's key), and their village."""
    session = SessionStore()
    session.update({SESSION_KEY: str(agent.pk), BACKEND_SESSION_KEY: "accounts.auth.UserBackend"})
    session[HASH_SESSION_KEY] = agent.get_session_auth_hash()
    session.create()
    return session.session_key or "", Quota.objects.filter(village__in=agent.regions.all()).get()


def _answer(status: str, headers: list[tuple[str, str]]) -> str:
    """Saved (the page's `enrollment-saved` event), or what else came back: a refused entry is a
    whole form drawn again, and would be timed as such."""
    saved = status.startswith("200") and any("enrollment-saved" in value for _name, value in headers)
    return "saved" if saved else f"not saved ({status})"


if __name__ == "__main__":
    main()
