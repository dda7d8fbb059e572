"""Reads of dashboards, lists and exports from a streaming replica, when there is one.

`DATABASE_REPLICA_URL` adds a `replica` database. Views marked `@reads_from_replica` then read from
it; everything else, every write and every read of the request outside such a view (session, user)
goes to the primary. A replica lags its primary by a moment, so after a user writes (any POST that
succeeds) their reads stay on the primary for REPLICA_LAG_SECONDS: their own page right after a
save shows what they saved.
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin

REPLICA = "replica"
WROTE_COOKIE = "desa100_wrote"  # present for REPLICA_LAG_SECONDS after the user's last write
_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_enabled() -> bool:
    return REPLICA in settings.DATABASES and settings.REPLICA_READS


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str | None:
        return REPLICA if _reading_from_replica.get() and replica_enabled() else None

    def db_for_write(self, model, **hints) -> str:
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True  # one database and its copy

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"  # the replica follows the primary's schema by replication


def reads_from_replica(view):
    """Run the view's reads on the replica, unless the user has just written."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if WROTE_COOKIE in request.COOKIES:
            return view(request, *args, **kwargs)
        token = _reading_from_replica.set(True)
        try:
            return view(request, *args, **kwargs)
        finally:
            _reading_from_replica.reset(token)

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
