import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from billing.arrears import arrears_refresh
from operations.schedule import once_at_a_time


class Command(BaseCommand):
    help = (
        "Count again what every payer owes past due, for the arrears list and the home pages (run it "
        "hourly from cron; a payment or a corrected bill counts its payer again at once)."
    )

    @once_at_a_time(lease=dt.timedelta(hours=1))
    def handle(self, *args, **options):
        started = timezone.now()
        counted = arrears_refresh(timezone.localdate())
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(f"{counted} payers in arrears, counted in {seconds:.1f} s")
