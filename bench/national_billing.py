"""Billing at national scale: a month's bills for the nation (a payer per village, the province, a
company), the arrears list over them, and the billing pages' sample objects for national_pages.

    .venv/bin/python bench/national.py --billing      # issue (once, timed) and measure

Last month's bills are issued once and kept (their due date has passed: every one is in arrears, the
worst case of the arrears list); this month's are issued in a transaction rolled back after each run.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection, transaction
from django.utils import timezone

from billing import arrears
from billing.bills import bills_issue
from billing.models import Arrears, Bill, BillLine, Payer
from campaigns.models import Campaign, add_months, month_of

from .national_build import SLUG, log


def ensure_bills() -> None:
    """Last month's bills, issued once (and timed then)."""
    last_month = add_months(month_of(timezone.localdate()), -1)
    if Bill.objects.filter(month=last_month).exists():
        if not Arrears.objects.exists():
            arrears.arrears_refresh(timezone.localdate())
        return
    started = time.monotonic()
    issued = bills_issue(month=last_month, campaigns=Campaign.objects.filter(slug=SLUG))
    lines = BillLine.objects.count()
    log(f"last month's bills: {len(issued):,} bills, {lines:,} lines in {time.monotonic() - started:.0f} s")
    arrears.arrears_refresh(timezone.localdate())  # the arrears list's rows, as the worker counts them
    with connection.cursor() as cursor:  # as `issue_bills` does after a month's bills
        cursor.execute("ANALYZE billing_billline, billing_bill, billing_payer, billing_arrears")


def measure(runs: int = 3) -> None:
    today = timezone.localdate()
    campaigns = Campaign.objects.filter(slug=SLUG)
    print("\n| billing, national | rows | p50 s | runs |")
    print("| --- | ---: | ---: | ---: |")
    times, bills, lines = [], 0, 0
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            issued = bills_issue(month=today, campaigns=campaigns)
            times.append(time.perf_counter() - started)
            bills, lines = len(issued), sum(bill.workers for bill in issued)
            transaction.set_rollback(True)
    print(
        f"| a month's bills (this month), every payer | {bills:,} bills, {lines:,} lines | {statistics.median(times):.1f} | {runs} |"
    )
    times, counted = [], 0
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            counted = arrears.arrears_refresh(today)
            times.append(time.perf_counter() - started)
    print(
        f"| the arrears, counted for every payer | {counted:,} payers | {statistics.median(times):.1f} | {runs} |"
    )
    province = [payer.pk for payer in Payer.objects.filter(kind=Payer.Kind.REGION)]
    times = []
    for _ in range(runs):
        with transaction.atomic():
            started = time.perf_counter()
            arrears.arrears_refresh(today, province)
            times.append(time.perf_counter() - started)
    print(
        f"| the arrears of the province's payer, after a payment | {len(province)} payer | "
        f"{statistics.median(times):.1f} | {runs} |",
        flush=True,
    )
