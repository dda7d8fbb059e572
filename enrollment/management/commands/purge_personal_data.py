import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from enrollment.erasure import closed_before, personal_data_purge
from operations.schedule import once_at_a_time


class Command(BaseCommand):
    help = (
        "Erase the personal data (name, NIK, phone, address, KK, heirs) of campaigns closed before a date, "
        "keeping every count. --dry-run only says how many enrollments it would erase."
    )

    def add_arguments(self, parser):
        parser.add_argument("--closed-before", required=True, help="a date, YYYY-MM-DD")
        parser.add_argument("--dry-run", action="store_true", help="count, change nothing")

    @once_at_a_time(lease=dt.timedelta(hours=6))
    def handle(self, *args, **options):
        raw = options["closed_before"]
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            raise CommandError(f"--closed-before: {raw!r} is not a date (YYYY-MM-DD).") from None
        if options["dry_run"]:
            count = closed_before(day).count()
            self.stdout.write(
                f"Dry run: {count} enrollments in campaigns closed before {day} would be erased."
            )
            return
        erasure = personal_data_purge(closed_before_day=day)
        self.stdout.write(
            f"Erased the personal data of {erasure.enrollment_count} enrollments (erasure {erasure.pk})."
        )
