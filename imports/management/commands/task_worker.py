"""django-tasks-db's `db_worker`, which reconnects when the database goes away instead of exiting.

`db_worker` lets any database error other than a lock end the process, so a PostgreSQL restart left
imports "checking" until someone restarted the worker. This one waits and starts again (1, 2, 4 … 30
seconds apart); systemd's `Restart=always` (README) stays as the second line of defence.
"""

from __future__ import annotations

import contextlib
import logging
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connections
from django_tasks_db.management.commands import db_worker

logger = logging.getLogger(__name__)
LONGEST_WAIT = 30  # seconds between tries while the database is away


class Command(db_worker.Command):
    help = "Run background jobs (large imports), reconnecting whenever the database comes back."

    def handle(self, *args, **options) -> None:
        wait = 1
        while True:
            try:
                return super().handle(*args, **options)
            except (OperationalError, InterfaceError) as error:
                logger.warning("task worker: the database went away (%s); trying again in %s s", error, wait)
                for connection in connections.all(initialized_only=True):
                    with contextlib.suppress(DatabaseError):
                        connection.close()  # a new one is opened when the worker starts again
                time.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
