import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from billing.reminders import outbox_send, reminders_write
from operations.schedule import once_at_a_time


class Command(BaseCommand):
    help = (
        "Write today's reminders (bills issued, due soon, due today, workers at the month's cliff) and "
        "send what is due. Run it every 10 minutes from cron: quiet hours and each payer's daily cap hold "
        "messages back, a failed send is retried with backoff, and an event is never written twice."
    )

    @once_at_a_time(lease=dt.timedelta(minutes=30))
    def handle(self, *args, **options):
        written = reminders_write(timezone.localdate())
        done = outbox_send()
        self.stdout.write(
            f"Reminders written: {written}; sent {done['sent']}, held {done['held']}, "
            f"to retry {done['retry']}, failed {done['failed']}."
        )
