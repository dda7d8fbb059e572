"""Every admin changelist as the administrator can reach it, generated from the admin site itself
(issue 25): each registered model's list, each choice of each of its filters, each sortable column
both ways, a search for a name, a whole NIK and a KPJ where it searches, and a deep page. A new
filter, column or admin is measured without anyone adding a line here.

    .venv/bin/python bench/national.py --admin            # on the national database

Per page: p50 and the slowest of the timed runs (the "p95" column), queries, KB, and the slowest query's plan checked for a sequential
scan of a table over 100,000 rows (the planner's own row estimate of the table). Aims: p50 ≤ 500 ms
(an admin changelist), none over 150 KB.
"""

from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client, RequestFactory
from django.urls import reverse

from accounts.models import User
from enrollment.models import Enrollment

AIM_P50_MS, AIM_BYTES, BIG_TABLE = 500, 150_000, 100_000
DEEP_PAGE = 500


def _changelist(model_admin, params: dict, user: User):
    request = RequestFactory().get("/", params)
    request.user = user
    return model_admin.get_changelist_instance(request)


def admin_pages(user: User, search_terms: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(label, address) of every page the changelists offer: the filters' choices as the admin
    draws them (their own query strings), the sortable columns, the searches, a deep page."""
    for model, model_admin in admin.site._registry.items():
        name = f"{model._meta.app_label}.{model._meta.model_name}"
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        yield name, url
        changelist = _changelist(model_admin, {}, user)
        for spec in changelist.filter_specs:
            for choice in list(spec.choices(changelist))[1:6]:  # past "All"; at most five a filter
                yield f"{name}, {spec.title}: {choice.get('display')}", url + choice["query_string"]
        for index, field in enumerate(changelist.list_display):
            if field == "action_checkbox":
                continue
            if changelist.get_ordering_field(field) is None:
                continue
            for sign in ("", "-"):
                yield f"{name}, sort {sign}{field}", f"{url}?{urlencode({ORDER_VAR: f'{sign}{index}'})}"
        if model_admin.search_fields:
            for kind, term in search_terms.items():
                yield f"{name}, search {kind}", f"{url}?{urlencode({SEARCH_VAR: term})}"
        yield f"{name}, page {DEEP_PAGE}", f"{url}?{urlencode({PAGE_VAR: DEEP_PAGE})}"


class Queries:
    def __init__(self):
        self.log: list[tuple[float, str, object]] = []

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.log.append((time.perf_counter() - started, sql, params))


def _big_scans(sql: str, params) -> list[str]:
    """Tables over BIG_TABLE rows that the plan reads whole."""
    if not sql.lstrip().upper().startswith("SELECT"):
        return []
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    scanned = [line.split("Seq Scan on ", 1)[1].split()[0] for line in plan if "Seq Scan on " in line]
    if not scanned:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND reltuples > %s", [scanned, BIG_TABLE]
        )
        return [row[0] for row in cursor.fetchall()]


@dataclass
class Timing:
    """One page timed: p50 and slowest of the timed runs, its queries, its slowest query and the
    tables over BIG_TABLE rows that query's plan reads whole."""

    p50: float
    slowest_run: float
    queries: int
    size: int
    slowest_query_ms: float
    scans: list[str]

    def cells(self) -> str:
        return (
            f"{self.p50:.0f} | {self.slowest_run:.0f} | {self.queries} | {self.size / 1000:.0f} | "
            f"{self.slowest_query_ms:.0f} | {', '.join(self.scans) or '-'}"
        )


def time_page(client: Client, url: str, runs: int, size: int) -> Timing:
    """A page already fetched once (its answer `size` bytes): once more with its queries logged,
    then `runs` timed requests."""
    queries = Queries()
    with connection.execute_wrapper(queries):
        client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    slowest = max(queries.log, key=lambda q: q[0]) if queries.log else (0.0, "", None)
    scans = _big_scans(slowest[1], slowest[2]) if slowest[1] else []
    return Timing(statistics.median(times), max(times), len(queries.log), size, slowest[0] * 1000, scans)


def measure(runs: int = 5, only: str = "") -> None:
    logging.disable(logging.WARNING)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    user = User.objects.get(username="admin")
    sample = Enrollment.objects.select_related("worker").exclude(worker__kpj_number=None).first()
    terms = {"name": sample.full_name.split()[0], "NIK": sample.worker.nik, "KPJ": sample.worker.kpj_number}
    client = Client()
    client.force_login(user)
    pages = [(label, url) for label, url in admin_pages(user, terms) if only in label]
    print(f"\n{len(pages)} generated admin pages, {runs} timed requests each\n")
    print("| admin page | p50 ms | p95 ms | queries | KB | slowest query ms | whole-table scans | aim |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    missed = 0
    for label, url in pages:
        response = client.get(url)
        if response.status_code != 200:
            print(f"| {label} | HTTP {response.status_code} | | | | | | |")
            continue
        timing = time_page(client, url, runs, len(response.content))
        met = timing.p50 <= AIM_P50_MS and timing.size <= AIM_BYTES and not timing.scans
        missed += not met
        print(f"| {label} | {timing.cells()} | {'met' if met else '**missed**'} |", flush=True)
    print(f"\n{len(pages)} pages, {missed} missing an aim")
