"""Each request's time by view, for /metrics (dashboards.metrics): the operator sees which pages slow
down, not only that the server does. Labelled by the URL's name, never the path (a path holds ids)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import Histogram

REQUEST_SECONDS = Histogram(
    "desa100_request_seconds",
    "Time to answer a request, by view and method",
    ["view", "method"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60),
)
METHODS = {"GET", "POST", "HEAD"}


class RequestTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        REQUEST_SECONDS.labels(
            view=match.view_name if match else "unresolved",
            method=request.method if request.method in METHODS else "OTHER",
        ).observe(time.perf_counter() - started)
        return response
