import datetime as dt

from django.core.management.base import BaseCommand

from operations.schedule import once_at_a_time
from targeting.duplicates import find_near_duplicates


class Command(BaseCommand):
    help = (
        "Look for one person entered twice under a mistyped NIK, village by village, and add the pairs "
        "not seen before to the officials' review list. Run nightly."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--region", default="", help="Only this region's villages (a code such as 32.14)."
        )

    @once_at_a_time(lease=dt.timedelta(hours=3))
    def handle(self, *args, region: str = "", **options) -> None:
        added = find_near_duplicates(region)
        self.stdout.write(f"{added} possible duplicates added for review.")
