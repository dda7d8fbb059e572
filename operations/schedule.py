"""Scheduled jobs run once however many servers start them.

Every app server may carry the same cron table or systemd timers (nothing to keep in step when a
server is added or lost): a job's command first takes its row in `ScheduledRun` with one conditional
UPDATE, which PostgreSQL lets one transaction win; the others see the job held and exit, saying so.
Not an advisory lock: a session's advisory lock does not survive a transaction-pooling pgbouncer,
and the row also tells the operator when each job last ran. A holder that dies keeps the job until
its lease ends; the lease is set long past the job's longest measured run (bench/RESULTS.md).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import socket
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from operations.models import ScheduledRun


def _holder() -> str:
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@contextmanager
def run_alone(job: str, *, lease: dt.timedelta) -> Iterator[bool]:
    """True inside the block when this process runs `job` now; False when another holds it."""
    ScheduledRun.objects.get_or_create(job=job)
    me, now = _holder(), timezone.now()
    free = Q(held_until__isnull=True) | Q(held_until__lt=now)
    taken = ScheduledRun.objects.filter(free, job=job).update(
        holder=me, started_at=now, held_until=now + lease, runs=F("runs") + 1
    )
    if not taken:
        ScheduledRun.objects.filter(job=job).update(skipped=F("skipped") + 1)
        yield False
        return
    try:
        yield True
    finally:
        ScheduledRun.objects.filter(job=job, holder=me).update(
            holder="", held_until=None, finished_at=timezone.now()
        )


def once_at_a_time(lease: dt.timedelta) -> Callable:
    """A management command's `handle` that runs only where its job is not already running; the job
    is named after the command."""

    def decorate(handle: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(handle)
        def wrapper(command, *args, **options):
            job = command.__module__.rsplit(".", 1)[-1]
            with run_alone(job, lease=lease) as mine:
                if mine:
                    return handle(command, *args, **options)
                held = ScheduledRun.objects.get(job=job)
                command.stdout.write(
                    f"{job}: already running on {held.holder.rsplit(':', 1)[0]} since "
                    f"{timezone.localtime(held.started_at):%Y-%m-%d %H:%M}; skipped."
                )
                return None

        return wrapper

    return decorate
