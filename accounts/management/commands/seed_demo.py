import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from campaigns.models import Campaign, FundingSource, Quota
from campaigns.services import quota_allocate
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
        self._demo_campaign(User.objects.get(username="pejabat.jabar"))
        self.stdout.write(f"Demo users (password for all: {DEMO_PASSWORD}):")
        for username, _name, role, region_codes, superuser in DEMO_USERS:
            what = "administrator" if superuser else f"{role} of {', '.join(region_codes)}"
            self.stdout.write(f"  {username:<20} {what}")
        self.stdout.write(
            "Demo campaign: 1 Desa 100 Perlindungan 2025 — Jawa Barat (192 villages of Kab. Purwakarta)"
        )

    def _demo_campaign(self, official: User) -> None:
        """The launch in Purwakarta (DOMAIN.md): 19,200 slots, Tanjungsari had 52 covered before."""
        campaign, created = Campaign.objects.get_or_create(
            slug="1-desa-100-perlindungan-2025-jawa-barat",
            defaults={
                "name": "1 Desa 100 Perlindungan 2025 — Jawa Barat",
                "description": "Perlindungan JKK dan JKM bagi pekerja informal, 100 orang per desa.",
                "organizer": Region.objects.get(code="32"),
                "starts_on": dt.date(2025, 11, 21),
                # Agents enroll only within a campaign's period: a demo run later still takes entries.
                "ends_on": max(dt.date(2026, 12, 31), timezone.localdate() + dt.timedelta(days=365)),
                "budget": 25_000_000_000,
                "created_by": official,
            },
        )
        if not created:
            return
        FundingSource.objects.create(
            campaign=campaign,
            name="APBD Provinsi Jawa Barat 2025",
            kind=FundingSource.Kind.APBD_PROVINCE,
            amount=25_000_000_000,
            workers=1_000_000,
        )
        FundingSource.objects.create(
            campaign=campaign, name="CSR PT Taekwang", kind=FundingSource.Kind.CSR, workers=300
        )
        quota_allocate(campaign=campaign, user=official, region=Region.objects.get(code="32.14"), target=100)
        Quota.objects.filter(campaign=campaign, village__code="32.14.16.2005").update(baseline=52)
        campaign.activate(by=official)
