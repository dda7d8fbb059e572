"""Billing at national scale: a month's bills for the nation (a payer per village, the province, a
company), the arrears list over them, and the billing pages' sample objects for national_pages.

    .venv/bin/python bench/national.py --billing      # issue (once, timed) and measure

Last month's bills are issued once and kept (their due date has passed: every one is in arrears, the
worst case of the arrears list); this month's are issued in a transaction rolled back after each run.
"""

from __future__ import annotations

import statistics
import time

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing import arrears
from billing.bills import bills_issue
from billing.models import Bill, BillLine, Payer
from campaigns.models import Campaign, add_months, month_of

from .national_build import SLUG, log


def ensure_bills() -> None:
    """Last month's bills, issued once (and timed then)."""
    last_month = add_months(month_of(timezone.localdate()), -1)
    if Bill.objects.filter(month=last_month).exists():
        return
    started = time.monotonic()
    issued = bills_issue(month=last_month, campaigns=Campaign.objects.filter(slug=SLUG))
    lines = BillLine.objects.count()
    log(f"last month's bills: {len(issued):,} bills, {lines:,} lines in {time.monotonic() - started:.0f} s")


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
    for username in ("admin", "pejabat.32", "pejabat.32.14"):
        user = User.objects.get(username=username)
        payers = Payer.objects.for_user(user)
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            rows = arrears.rows_for(payers, today)
            times.append(time.perf_counter() - started)
        print(
            f"| arrears list, {username} | {len(rows):,} payers | {statistics.median(times):.1f} | {runs} |",
            flush=True,
        )
