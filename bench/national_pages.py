"""Time every page of `bench/national.py` for every role: server time (p50, p95), queries, HTML bytes,
and the smallest raw SQL that gives the page's numbers, with the ratio of the two."""

from __future__ import annotations

import logging
import statistics
import time
import tracemalloc
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client

from accounts.models import User
from enrollment.models import Enrollment
from reports.lists import enrollment_columns
from reports.models import ExportLog

from .national_build import SLUG

ROLES = {  # username → the region prefix the role reaches ("" for everything)
    "admin": "",
    "pejabat.32": "32.",
    "pejabat.32.14": "32.14.",
    "agen.32.14.16.2005": "32.14.16.2005",
}
AIM_P50_MS, AIM_P95_MS, AIM_BYTES = 200, 500, 150_000
OFFICIALS = ("admin", "pejabat.32", "pejabat.32.14")
AIM_EXPORT_S = 5  # a regency's 20,000 enrollments


@dataclass
class Page:
    label: str
    path: str
    floor: str | None = None  # SQL with {reach}: the rows or sums the page shows, nothing more
    roles: tuple[str, ...] = tuple(ROLES)
    admin_page: bool = False


LIST_FLOOR = (
    "SELECT e.id, e.full_name, e.status, w.nik, r.name FROM enrollment_enrollment e "
    "JOIN regions_region r ON r.id = e.village_id JOIN enrollment_worker w ON w.id = e.worker_id "
    "WHERE r.code LIKE '{reach}%%' {extra} ORDER BY e.id DESC LIMIT 25"
)
DASHBOARD_FLOOR = (
    "SELECT left(r.code, {length}), sum(q.target), sum(q.filled), sum(q.active_count), sum(q.reserve_count) "
    "FROM campaigns_quota q JOIN regions_region r ON r.id = q.village_id "
    "WHERE q.campaign_id = {campaign} AND r.code LIKE '{code}%%' GROUP BY 1"
)


def pages(campaign_id: int, sample: Enrollment, deep_pk: int) -> list[Page]:
    village = sample.village.code
    return [
        Page("home", "/"),
        Page(
            "campaign list",
            "/campaigns/",
            "SELECT c.id, sum(q.target), sum(q.filled) FROM campaigns_campaign c JOIN campaigns_quota q "
            "ON q.campaign_id = c.id JOIN regions_region r ON r.id = q.village_id "
            "WHERE r.code LIKE '{reach}%%' GROUP BY c.id",
        ),
        Page("campaign page", f"/campaigns/{SLUG}/"),
        Page("quota table", f"/campaigns/{SLUG}/quotas/"),
        Page("dashboard, top", f"/dashboards/campaign/{SLUG}/"),
        Page(
            "dashboard, province 32",
            f"/dashboards/campaign/{SLUG}/32/",
            DASHBOARD_FLOOR.format(length=5, campaign=campaign_id, code="32."),
            ("admin", "pejabat.32"),
        ),
        Page(
            "dashboard, regency 32.14",
            f"/dashboards/campaign/{SLUG}/32.14/",
            DASHBOARD_FLOOR.format(length=8, campaign=campaign_id, code="32.14."),
            ("admin", "pejabat.32", "pejabat.32.14"),
        ),
        Page(
            "dashboard, district 32.14.16",
            f"/dashboards/campaign/{SLUG}/32.14.16/",
            DASHBOARD_FLOOR.format(length=13, campaign=campaign_id, code="32.14.16."),
            ("admin", "pejabat.32", "pejabat.32.14"),
        ),
        Page("dashboard, village", f"/dashboards/campaign/{SLUG}/{village}/"),
        Page("enrollment list", "/enrollments/", LIST_FLOOR),
        Page("enrollment list, status filter", "/enrollments/?status=registered", LIST_FLOOR),
        Page(
            "enrollment list, exact NIK",
            f"/enrollments/?worker={sample.worker_id}",
            "SELECT e.id FROM enrollment_enrollment e JOIN enrollment_worker w ON w.id = e.worker_id "
            f"JOIN regions_region r ON r.id = e.village_id WHERE w.nik = '{sample.worker.nik}' "
            "AND r.code LIKE '{reach}%%'",
        ),
        Page(
            "enrollment list, name search",
            f"/enrollments/?{urlencode({'q': sample.full_name})}",
            "SELECT e.id FROM enrollment_enrollment e JOIN regions_region r ON r.id = e.village_id "
            f"WHERE upper(e.full_name) LIKE upper('%%{sample.full_name}%%') AND r.code LIKE '{{reach}}%%' "
            "ORDER BY e.id DESC LIMIT 25",
        ),
        Page("enrollment list, far page", f"/enrollments/?before={deep_pk}", LIST_FLOOR),
        Page("enrollment entry", "/enrollments/new/"),
        Page("review queue", "/enrollments/review/"),
        Page("coverage ending", "/enrollments/expiring/"),
        Page("enrollment page", f"/enrollments/{sample.pk}/"),
        Page("agents", "/accounts/agents/", None, ("admin", "pejabat.32", "pejabat.32.14")),
        Page("village recap", f"/reports/recap/{SLUG}/{village}/"),
        Page("money, top", f"/dashboards/campaign/{SLUG}/money/", None, OFFICIALS),
        Page("money, regency 32.14", f"/dashboards/campaign/{SLUG}/32.14/money/", None, OFFICIALS),
        Page("export page", "/reports/enrollments/?region=32.14"),
        Page("export log", "/reports/exports/", None, OFFICIALS),
        Page("contributions behind", "/coverage/behind/"),
        Page("contributions behind, lapsed", "/coverage/behind/?state=lapsed"),
        Page("billing: months paid page", "/billing/months/", None, OFFICIALS),
        *billing_pages(sample),
        Page("claims", "/coverage/claims/", None, OFFICIALS),
        Page("imports", "/imports/"),
        Page("import upload", "/imports/new/"),
        Page("branch list upload", "/imports/new/?kind=branch_list", None, OFFICIALS),
        Page("admin: enrollments", "/admin/enrollment/enrollment/", None, ("admin",), True),
        Page(
            "admin: enrollments, NIK search",
            f"/admin/enrollment/enrollment/?q={sample.worker.nik}",
            None,
            ("admin",),
            True,
        ),
        Page("admin: workers", "/admin/enrollment/worker/", None, ("admin",), True),
        Page("admin: quotas", "/admin/campaigns/quota/", None, ("admin",), True),
    ]


def billing_pages(sample: Enrollment) -> list[Page]:
    """The billing pages, on the sample village's payer and its last bill (national_billing issues them)."""
    from billing.models import Bill, Payer

    payer = Payer.objects.filter(region=sample.village, kind=Payer.Kind.VILLAGE).first()
    bill = Bill.objects.filter(payer=payer).order_by("-month").first()
    pages = [
        Page("billing: payers", "/billing/", None, OFFICIALS),
        Page("billing: payers, in arrears", "/billing/?overdue=on", None, OFFICIALS),
        Page("billing: payers, name search", "/billing/?q=Tanjungsari", None, OFFICIALS),
        Page("billing: arrears list", "/billing/arrears/", None, OFFICIALS),
        Page("billing: arrears list, most lapsing", "/billing/arrears/?sort=-lapsing", None, OFFICIALS),
        Page("billing: outbox", "/billing/outbox/", None, OFFICIALS),
        Page("billing: statement upload", "/imports/new/?kind=statement", None, OFFICIALS),
        Page("billing: worker's bills", f"/billing/enrollments/{sample.pk}/", None, OFFICIALS),
    ]
    province = Payer.objects.filter(kind=Payer.Kind.REGION).first()  # millions of workers
    big = Bill.objects.filter(payer=province).order_by("-month").first()
    if province and big:
        pages += [
            Page(
                "billing: payer page, the province's payer",
                f"/billing/payers/{province.pk}/",
                None,
                OFFICIALS[:2],
            ),
            Page("billing: bill, the province's payer", f"/billing/bills/{big.pk}/", None, OFFICIALS[:2]),
        ]
    if payer and bill:
        pages += [
            Page("billing: payer page", f"/billing/payers/{payer.pk}/", None, OFFICIALS),
            Page("billing: payment form", f"/billing/payers/{payer.pk}/pay/", None, OFFICIALS),
            Page("billing: bill (A4 letter)", f"/billing/bills/{bill.pk}/", None, OFFICIALS),
        ]
    return pages


class QueryCounter(list):
    """An execute wrapper that keeps every query with its parameters (DEBUG is off, as in production)."""

    def __call__(self, execute, sql, params, many, context):
        self.append((sql, params))
        return execute(sql, params, many, context)

    def page_sql(self) -> list[tuple[str, object]]:
        """The page's own queries: not the session, the user and their regions, which every page reads."""
        return [(sql, params) for sql, params in self if not any(t in sql for t in BOOKKEEPING)]


BOOKKEEPING = ('"django_session"', 'FROM "accounts_user"', '"accounts_user_regions"', "SAVEPOINT")


def _replay_ms(queries: list[tuple[str, object]], runs: int) -> float:
    """The page's own SQL run raw, without the ORM or a template: how much of the page is the database."""

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in queries:
                cursor.execute(sql, params)
                if cursor.description:
                    cursor.fetchall()

    return statistics.median(_timed(run, runs))


def _timed(call, runs: int) -> list[float]:
    call()
    call()  # warm-up: caches, the first connection, compiled templates
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def _p95(times: list[float]) -> float:
    return sorted(times)[max(0, round(0.95 * len(times)) - 1)]


def _floor_ms(sql: str, runs: int) -> float:
    def run() -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            cursor.fetchall()

    return statistics.median(_timed(run, runs))


def measure(runs: int = 20, only: str = "") -> None:
    logging.disable(logging.WARNING)  # sign-in notes from django-axes on every client, not results
    # One connection kept open, as production's CONN_MAX_AGE keeps it (and its query log counted).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    sample = (
        Enrollment.objects.select_related("worker", "village").filter(village__code="32.14.16.2005").first()
    )
    newest = Enrollment.objects.order_by("-pk").values_list("pk", flat=True).first()
    deep_pk = newest // 2  # the middle of the table: what page 160,000 was
    print(f"\n{Enrollment.objects.count():,} enrollments; {runs} timed requests per page and role\n")
    print("| page | role | p50 ms | p95 ms | queries | KB | its SQL ms | floor SQL ms | p50 / floor | aim |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
    for page in pages(sample.campaign_id, sample, deep_pk):
        if only not in page.label:
            continue
        for role in page.roles:
            client = Client()
            client.force_login(User.objects.get(username=role))
            response = client.get(page.path)
            if response.status_code != 200:
                print(f"| {page.label} | {role} | HTTP {response.status_code} | | | | | | | |")
                continue
            queries = QueryCounter()
            with connection.execute_wrapper(queries):
                client.get(page.path)
            times = _timed(lambda c=client, p=page.path: c.get(p), runs)
            p50, p95 = statistics.median(times), _p95(times)
            own_sql = _replay_ms(queries.page_sql(), runs) if queries.page_sql() else None
            floor = None
            if page.floor:
                extra = "AND e.status = 'registered'" if "status=" in page.path else ""
                extra = f"AND e.id < {deep_pk}" if "before=" in page.path else extra
                floor = _floor_ms(page.floor.replace("{extra}", extra).replace("{reach}", ROLES[role]), runs)
            aim_p50 = 500 if page.admin_page else AIM_P50_MS
            met = (
                p50 <= aim_p50
                and (page.admin_page or p95 <= AIM_P95_MS)
                and len(response.content) <= AIM_BYTES
            )
            print(
                f"| {page.label} | {role} | {p50:.0f} | {p95:.0f} | {len(queries)} | "
                f"{len(response.content) / 1000:.0f} | {f'{own_sql:.1f}' if own_sql else '—'} | "
                f"{f'{floor:.1f}' if floor else '—'} | "
                f"{f'{p50 / floor:.0f}x' if floor else '—'} | {'ok' if met else 'MISSED'} |",
                flush=True,
            )


@dataclass
class Download:
    label: str
    role: str
    path: str
    form: dict | None = None  # posted (the enrollment export); None: a GET


def downloads() -> list[Download]:
    export = {"columns": [c.key for c in enrollment_columns(whole=False)]}
    return [
        Download("enrollments of regency 32.14, CSV", "pejabat.32.14", "/reports/enrollments/?region=32.14",
                 {**export, "file_format": "csv"}),
        Download("enrollments of regency 32.14, XLSX", "pejabat.32.14", "/reports/enrollments/?region=32.14",
                 {**export, "file_format": "xlsx"}),
        Download("enrollments of regency 32.14, XLSX, whole NIK", "pejabat.32.14",
                 "/reports/enrollments/?region=32.14",
                 {**export, "file_format": "xlsx", "whole": "on", "purpose": "benchmark"}),
        Download("progress, villages of province 32, XLSX", "pejabat.32",
                 f"/dashboards/campaign/{SLUG}/32/progress/?level=village"),
        Download("progress, all 83,762 villages, XLSX", "admin",
                 f"/dashboards/campaign/{SLUG}/progress/?level=village"),
        Download("realisation, regency 32.14", "pejabat.32.14", f"/dashboards/campaign/{SLUG}/32.14/realisation/"),
        Download("realisation, whole country", "admin", f"/dashboards/campaign/{SLUG}/realisation/"),
    ]  # fmt: skip


def measure_downloads(runs: int = 3, only: str = "") -> None:
    """Each file downloaded whole, as a browser would: seconds (median of `runs`), size, rows and the
    peak of Python memory while it was made and sent."""
    print("\n| download | role | rows | MB | p50 s | peak Python MB | aim |")
    print("| --- | --- | ---: | ---: | ---: | ---: | --- |")
    for download in downloads():
        if only not in download.label:
            continue
        client = Client()
        client.force_login(User.objects.get(username=download.role))

        def fetch(c=client, d=download) -> int:
            response = c.get(d.path) if d.form is None else c.post(d.path, d.form)
            size = sum(len(chunk) for chunk in response.streaming_content)  # as a browser reads it
            response.close()
            return size

        times = []
        for _ in range(runs):
            started = time.perf_counter()
            size = fetch()
            times.append(time.perf_counter() - started)
        # Memory in a run of its own: tracing every allocation slows Python down several times.
        tracemalloc.start()
        fetch()
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        rows = ExportLog.objects.order_by("-pk").values_list("row_count", flat=True).first()
        p50 = statistics.median(times)
        met = "ok" if "regency 32.14" not in download.label or p50 <= AIM_EXPORT_S else "MISSED"
        print(
            f"| {download.label} | {download.role} | {rows:,} | {size / 1e6:.1f} | {p50:.1f} | "
            f"{peak / 1e6:.1f} | {met} |",
            flush=True,
        )


def measure_payment(runs: int = 3) -> None:
    """Record this month as paid for every active worker of regency 32.14, as its official would,
    in a transaction rolled back after each run so that the database stays as built."""
    from django.db import transaction
    from django.utils import timezone

    from billing.models import Payer
    from billing.paying import month_pay
    from campaigns.models import Campaign
    from regions.models import Region

    user = User.objects.get(username="pejabat.32.14")
    campaign, regency = Campaign.objects.get(slug=SLUG), Region.objects.get(code="32.14")
    times, paid = [], 0
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            payment, _recorded = month_pay(
                campaign=campaign,
                region=regency,
                month=timezone.localdate(),
                paid_on=timezone.localdate(),
                channel="transfer",
                reference="BENCH-SP2D-1",
                by=user,
                payer=Payer.objects.get(campaign=campaign, kind=Payer.Kind.REGION),  # the province's share
            )
            times.append(time.perf_counter() - started)
            paid = payment.to_pay
            transaction.set_rollback(True)
    print(
        f"\n| bulk payment by the province (billed, then settled), regency 32.14, this month | {paid:,} workers | p50 {statistics.median(times):.2f} s |"
    )
