import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from billing.bills import bills_issue
from campaigns.models import Campaign, month_of
from operations.schedule import once_at_a_time


class Command(BaseCommand):
    help = (
        "Issue this month's bills to every payer of the active campaigns (run it daily from cron: the "
        "first run of a month bills everyone, later runs bill only workers activated since, on a "
        "supplementary bill). Credit held from overpayments settles the new bills at once."
    )

    def add_arguments(self, parser):
        parser.add_argument("--campaign", help="only the campaign with this short name (slug)")
        parser.add_argument("--month", help="the month to bill, as 2026-12 (default: this month)")

    @once_at_a_time(lease=dt.timedelta(hours=2))
    def handle(self, *args, campaign=None, month=None, **options):
        try:
            billed = month_of(timezone.datetime.strptime(month, "%Y-%m").date()) if month else None
        except ValueError:
            raise CommandError("write the month as 2026-12") from None
        campaigns = Campaign.objects.active()
        if campaign:
            campaigns = campaigns.filter(slug=campaign)
        started = timezone.now()
        bills = bills_issue(month=billed or month_of(timezone.localdate()), campaigns=campaigns)
        if bills and connection.vendor == "postgresql":
            # Millions of new lines: fresh statistics now, not when autovacuum gets to them, or the
            # planner guesses thousands of lines per worker and a worker's bills page hashes them.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE billing_billline, billing_bill")
        seconds = (timezone.now() - started).total_seconds()
        workers = sum(bill.workers for bill in bills)
        self.stdout.write(f"Bills issued: {len(bills)} to payers, for {workers} workers, in {seconds:.1f} s.")
