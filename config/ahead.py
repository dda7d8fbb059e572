"""The next item of a slow iterator made while the caller works on this one: an import checks its
next chunk of rows while the previous one is written (issue 25).

The items are made in a thread with a database connection of its own, so they read only what is
committed: a caller inside a transaction sees its own writes and the thread does not. The import's
checker asks the database nothing that its own transaction's rows would answer differently (a NIK
twice in one file is caught in memory), and a caller already inside an outer transaction (a test's,
say) whose data the thread could not see is given the items one at a time instead
(`connection.in_atomic_block`).

Python's threads share one core for Python code, but the writer spends much of its time waiting for
PostgreSQL (COPY, index upkeep, the commit), and psycopg2 lets go of the lock while it waits: that is
the time the next chunk is checked in. Measured with bench/import_commit.py.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

from django.db import connections
from django.utils import translation

T = TypeVar("T")


def one_ahead(items: Iterator[T]) -> Iterator[T]:
    """`items`, each made in a thread while the caller handles the one before; what the thread
    raises is raised here; the caller stopping early (an exception, a break) stops the thread."""
    box: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    language = translation.get_language()  # the thread speaks the caller's language

    def hand(kind: str, value: object) -> None:
        while not stop.is_set():
            try:
                box.put((kind, value), timeout=0.05)
                return
            except queue.Full:
                continue

    def make() -> None:
        try:
            with translation.override(language):
                for item in items:
                    if stop.is_set():
                        return
                    hand("item", item)
            hand("done", None)
        except BaseException as error:  # raised again in the caller's thread
            hand("error", error)
        finally:
            connections.close_all()  # this thread's own connections only

    thread = threading.Thread(target=make, name="one-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = box.get()
            if kind == "error":
                raise value  # type: ignore[misc]  # a BaseException, from the thread
            if kind == "done":
                return
            yield value
    finally:
        stop.set()
        thread.join()
