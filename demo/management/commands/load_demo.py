"""The demo: users, and the real stories of DOMAIN.md as campaigns with workers (the demo package)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.load import load
from demo.people import PASSWORD, USERS


class Command(BaseCommand):
    help = "Create the demo users and campaigns (idempotent: a second run only resets the passwords)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("demo users have a published password: refusing without DEBUG or --force")
        started = time.perf_counter()
        try:
            load(self.stdout)
        except RuntimeError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(f"Demo users (password for all: {PASSWORD}):")
        for username, name, _role, codes, superuser in USERS:
            where = "administrator" if superuser else ", ".join(codes)
            self.stdout.write(f"  {username:<20} {name} ({where})")
        self.stdout.write(f"Ready in {time.perf_counter() - started:.0f} s.")
