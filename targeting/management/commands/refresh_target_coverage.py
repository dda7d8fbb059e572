import datetime as dt

from django.core.management.base import BaseCommand

from operations.schedule import once_at_a_time
from targeting.coverage import coverage_refresh


class Command(BaseCommand):
    help = (
        "Count every campaign's coverage of the target lists per village, for the dashboards of "
        "provinces and the country (smaller areas count live). Run hourly."
    )

    @once_at_a_time(lease=dt.timedelta(hours=1))
    def handle(self, *args, **options) -> None:
        rows = coverage_refresh()
        self.stdout.write(f"{rows} villages counted.")
