from django.core.management.base import BaseCommand, CommandError

from enrollment.integrity import integrity_problems


class Command(BaseCommand):
    help = (
        "Check that every quota's filled equals its slot-holding enrollments and stays within its target, "
        "that no worker is open twice in a campaign, that every enrollment has its village's quota and that "
        "no KPJ is held by two workers. Exits non-zero naming what is wrong."
    )

    def handle(self, *args, **options):
        problems = integrity_problems()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"{len(problems)} integrity problem(s) found.")
        self.stdout.write("Integrity: every quota, enrollment and membership number checks out.")
