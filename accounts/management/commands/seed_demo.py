from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from regions.models import Region

DEMO_PASSWORD = "desa100-demo"

# username, name, role, region codes, superuser
DEMO_USERS = [
    ("admin", "Admin Desa100", "", [], True),
    ("pejabat.jabar", "Disnaker Jawa Barat", User.Role.OFFICIAL, ["32"], False),
    ("pejabat.purwakarta", "Disnaker Purwakarta", User.Role.OFFICIAL, ["32.14"], False),
    ("agen.tanjungsari", "Agen Tanjungsari", User.Role.AGENT, ["32.14.16.2005"], False),
]


class Command(BaseCommand):
    help = (
        "Create the demo users (an administrator, two officials, a village agent) and print their passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even when DEBUG is off")

    @transaction.atomic
    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("demo users have a published password: refusing without DEBUG or --force")
        codes = {code for *_, region_codes, _ in DEMO_USERS for code in region_codes}
        regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
        if missing := codes - set(regions):
            raise CommandError(f"regions {sorted(missing)} are missing: run `manage.py import_regions` first")
        for username, name, role, region_codes, superuser in DEMO_USERS:
            user, _created = User.objects.get_or_create(username=username)
            user.first_name = name
            user.role = role
            user.is_superuser = user.is_staff = superuser
            user.is_active = True
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.regions.set([regions[c] for c in region_codes])
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for username, _name, role, region_codes, superuser in DEMO_USERS:
            what = "administrator" if superuser else f"{role} of {', '.join(region_codes)}"
            self.stdout.write(f"  {username:<20} {what}")
