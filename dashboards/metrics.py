"""/metrics in Prometheus's text format, for the operator's monitoring (not for users: a bearer token
or a signed-in administrator, otherwise 404).

Request latency by view (config.request_timing), the task queue's depth and the age of its oldest
waiting job, the replica's lag, enrollments entered in the last minute, and when each scheduled job
last finished. Under gunicorn with PROMETHEUS_MULTIPROC_DIR set, every worker's timings are summed.
"""

from __future__ import annotations

import datetime as dt
import hmac
import os
from collections.abc import Iterator

from django.conf import settings
from django.db.models import Min
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

from config.db_router import replica_enabled, replica_health
from config.request_timing import REQUEST_SECONDS
from enrollment.models import Enrollment
from operations.models import ScheduledRun


class ServiceCollector:
    """Read from the database at each scrape (a handful of indexed queries)."""

    def collect(self) -> Iterator[Metric]:
        now = timezone.now()
        waiting = DBTaskResult.objects.filter(status="READY")
        oldest = waiting.aggregate(oldest=Min("enqueued_at"))["oldest"]
        yield GaugeMetricFamily(
            "desa100_task_queue_depth", "Background jobs waiting for a worker", value=waiting.count()
        )
        yield GaugeMetricFamily(
            "desa100_task_queue_oldest_seconds",
            "How long the oldest waiting job has waited",
            value=(now - oldest).total_seconds() if oldest else 0,
        )
        # Through the (status, entered_at) index: every status named, so no scan of the table.
        entered = Enrollment.objects.filter(
            status__in=Enrollment.Status.values, entered_at__gte=now - dt.timedelta(minutes=1)
        ).count()
        yield GaugeMetricFamily(
            "desa100_enrollments_last_minute", "Enrollments entered in the last minute", value=entered
        )
        if replica_enabled():
            health = replica_health(fresh=True)
            yield GaugeMetricFamily(
                "desa100_replica_usable", "1 when pages read the replica", value=int(health.usable)
            )
            yield GaugeMetricFamily(
                "desa100_replica_lag_seconds",
                "How far the replica is behind the primary (-1: unreachable)",
                value=health.lag_seconds if health.lag_seconds is not None else -1,
            )
        finished = GaugeMetricFamily(
            "desa100_scheduled_job_last_finished_timestamp_seconds",
            "When each scheduled job last finished (Unix time)",
            labels=["job"],
        )
        for job, at in ScheduledRun.objects.exclude(finished_at=None).values_list("job", "finished_at"):
            finished.add_metric([job], at.timestamp())  # type: ignore[union-attr]  # excluded None above
        yield finished


def _allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if token and given and hmac.compare_digest(given.encode(), token.encode()):
        return True
    user = request.user
    return bool(user.is_authenticated and user.is_superuser)


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not _allowed(request):
        raise Http404
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        MultiProcessCollector(registry)
    else:
        registry.register(REQUEST_SECONDS)
    registry.register(ServiceCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
