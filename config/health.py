"""/healthz for load balancers and monitoring.

200 `{"status": "ok"}` when the primary answers (and the replica, if there is one, answers and keeps
up); 200 `{"status": "degraded", …}` with the reason when only the replica is gone or behind: the app
still serves every page from the primary, so the load balancer must keep sending users; 503 when the
primary does not answer, which no page survives.
"""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from config.db_router import replica_enabled, replica_health


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "down", "database": "unreachable"}, status=503)
    status: dict[str, object] = {"status": "ok", "database": "ok"}
    if replica_enabled():
        health = replica_health(fresh=True)
        status["replica"] = "ok" if health.usable else health.problem
        if health.lag_seconds is not None:
            status["replica_lag_seconds"] = round(health.lag_seconds, 1)
        if not health.usable:
            status.update(status="degraded", reason=f"replica {health.problem}: {health.reason}")
    return JsonResponse(status)
