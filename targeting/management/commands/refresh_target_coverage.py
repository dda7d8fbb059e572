from django.core.management.base import BaseCommand

from targeting.coverage import coverage_refresh


class Command(BaseCommand):
    help = (
        "Count every campaign's coverage of the target lists per village, for the dashboards of "
        "provinces and the country (smaller areas count live). Run hourly."
    )

    def handle(self, *args, **options) -> None:
        rows = coverage_refresh()
        self.stdout.write(f"{rows} villages counted.")
