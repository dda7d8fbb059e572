import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from operations.schedule import once_at_a_time
from targeting.lists import purge_replaced


class Command(BaseCommand):
    help = (
        "Delete the people of target-list rounds replaced before today (kept until then for a same-day "
        "undo). Run daily."
    )

    @once_at_a_time(lease=dt.timedelta(hours=2))
    def handle(self, *args, **options) -> None:
        deleted = purge_replaced(before=timezone.localdate())
        self.stdout.write(f"{deleted} people of replaced rounds deleted.")
