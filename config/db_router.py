"""Reads of dashboards, lists and exports from a streaming replica, when there is one and it keeps up.

`DATABASE_REPLICA_URL` adds a `replica` database. Views marked `@reads_from_replica` then read from
it; everything else, every write and every read of the request outside such a view (session, user)
goes to the primary. A replica lags its primary by a moment, so after a user writes (any POST that
succeeds) their reads stay on the primary for REPLICA_LAG_SECONDS: their own page right after a
save shows what they saved.

A replica that does not answer, or has fallen more than REPLICA_MAX_LAG_SECONDS behind, is not read:
the pages read the primary instead (slower under load, never wrong or failing), and /healthz says
"degraded" with the reason. Each process asks the replica how far behind it is at most every
REPLICA_CHECK_SECONDS, so the check costs one small query every few seconds, not one per page.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
import time
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DatabaseError, OperationalError, connections
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.deprecation import MiddlewareMixin

REPLICA = "replica"
WROTE_COOKIE = "desa100_wrote"  # present for REPLICA_LAG_SECONDS after the user's last write
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)
logger = logging.getLogger(__name__)

# How far behind the standby is: nothing when it has replayed all it received (an idle primary sends
# nothing, and the time of the last replayed commit would then grow without the replica being behind).
LAG_SQL = """
    SELECT CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
                THEN 0 ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp()) END
"""


def replica_enabled() -> bool:
    return REPLICA in settings.DATABASES and settings.REPLICA_READS


@dataclass(frozen=True)
class ReplicaHealth:
    usable: bool
    lag_seconds: float | None = None
    problem: str = ""  # "unreachable" or "lagging"; empty when usable
    reason: str = ""  # for the operator: the error, or how far behind


class _LastCheck:
    """The last answer of this process's replica check and when it was taken (per process: each app
    server and worker asks for itself, so nothing has to be shared between servers)."""

    lock = threading.Lock()
    at: float = float("-inf")
    health = ReplicaHealth(usable=True)


def forget_replica_health() -> None:
    """Ask the replica afresh on the next read (tests; a standby just restarted)."""
    with _LastCheck.lock:
        _LastCheck.at, _LastCheck.health = float("-inf"), ReplicaHealth(usable=True)


def replica_health(*, fresh: bool = False) -> ReplicaHealth:
    """Whether the replica may be read now; asked again when the last answer is older than
    REPLICA_CHECK_SECONDS (or `fresh`, for /healthz)."""
    now = time.monotonic()
    with _LastCheck.lock:
        if not fresh and now - _LastCheck.at < settings.REPLICA_CHECK_SECONDS:
            return _LastCheck.health
    health = _check_replica()
    with _LastCheck.lock:
        _LastCheck.at, _LastCheck.health = now, health
    if not health.usable:
        logger.warning("replica not read (%s): %s", health.problem, health.reason)
    return health


def _check_replica() -> ReplicaHealth:
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return ReplicaHealth(usable=True, lag_seconds=0.0)
    try:
        with connection.cursor() as cursor:
            cursor.execute(LAG_SQL)
            lag = float(cursor.fetchone()[0])
    except DatabaseError as error:
        _close_quietly(REPLICA)
        return ReplicaHealth(usable=False, problem="unreachable", reason=str(error).strip().splitlines()[0])
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        reason = f"{lag:.1f} s behind the primary (more than {settings.REPLICA_MAX_LAG_SECONDS} s)"
        return ReplicaHealth(usable=False, lag_seconds=lag, problem="lagging", reason=reason)
    return ReplicaHealth(usable=True, lag_seconds=lag)


def _close_quietly(alias: str) -> None:
    with contextlib.suppress(DatabaseError):  # the connection is already gone
        connections[alias].close()


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if _reading_from_replica.get() and replica_enabled() else None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"  # the replica follows the primary's schema by replication


def _on_replica(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """A streamed response's chunks, each read while the replica is the reads' database: the rows of
    a streamed export are read after the view has returned."""
    iterator = iter(chunks)
    while True:
        token = _reading_from_replica.set(True)
        try:
            chunk = next(iterator)
        except StopIteration:
            return
        finally:
            _reading_from_replica.reset(token)
        yield chunk


def reads_from_replica(view):
    """Run the view's reads on the replica, unless the user has just written or the replica is not
    usable. A page that fails because the replica went away meanwhile is read again from the primary
    (only a GET: a POST's view may have written before it failed)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not replica_enabled() or WROTE_COOKIE in request.COOKIES or not replica_health().usable:
            return view(request, *args, **kwargs)
        token = _reading_from_replica.set(True)
        try:
            response = view(request, *args, **kwargs)
        except OperationalError:
            if request.method not in ("GET", "HEAD") or replica_health(fresh=True).usable:
                raise
            response = None  # the replica went away during the page: read it again from the primary
        finally:
            _reading_from_replica.reset(token)
        if response is None:
            return view(request, *args, **kwargs)
        if isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse):
            response.streaming_content = _on_replica(response.streaming_content)  # type: ignore[arg-type]
        return response

    return wrapper


class PrimaryAfterWriteMiddleware(MiddlewareMixin):
    """Mark a browser that has just written, so that its next reads come from the primary."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if (
            replica_enabled()
            and request.method not in ("GET", "HEAD", "OPTIONS")
            and response.status_code < 400
        ):
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.REPLICA_LAG_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response
