"""gunicorn settings: `gunicorn -c config/gunicorn.py config.wsgi`. Every value can be overridden from
the environment (GUNICORN_WORKERS=8 …), so one file serves a laptop and a 16-core server."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Django views wait mostly on PostgreSQL: two workers per core plus one keeps the cores busy.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1))
# A national export or a province dashboard may take a while; anything past this is a bug to find.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then, so that a slow leak never takes a server down.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", 2000))
max_requests_jitter = 200
# The access log never holds a NIK: NIKs travel only in request bodies (enrollment/views.py).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("DJANGO_TRUSTED_PROXIES", "127.0.0.1")


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR set, /metrics sums every worker's request timings from files in
    that folder; a worker that exits leaves its live gauges behind unless marked dead here."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
