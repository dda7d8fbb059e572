"""Time bulk quota allocation: every village of Jawa Barat (5,957), then every village of the country
(83,762), at 100 per village, as an administrator would from the campaign page.

Runs in a throwaway test database made from DATABASE_URL (SQLite by default); the region import
before the timings is not timed:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/desa100 .venv/bin/python bench/allocate_quotas.py

Latest figures are in bench/README.md.
"""

import datetime as dt
import os
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from accounts.models import User  # noqa: E402
from campaigns.models import Campaign  # noqa: E402
from campaigns.services import quota_allocate  # noqa: E402
from regions.models import Region  # noqa: E402


def timed(label: str, **kwargs) -> None:
    start = time.perf_counter()
    result = quota_allocate(target=100, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"{label:<40} {elapsed:6.2f} s   {result.created:>6} created, {result.updated:>6} updated")


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        call_command("import_regions", stdout=StringIO())
        admin = User.objects.create_superuser("bench", password="bench")
        jabar = Region.objects.get(code="32")
        print(f"database: {connection.vendor}")
        for label, region in [
            ("Jawa Barat, 5,957 villages", jabar),
            ("the whole country, 83,762 villages", None),
        ]:
            campaign = Campaign.objects.create(
                name=label,
                slug=label[:20].replace(" ", "-").replace(",", ""),
                organizer=jabar,
                starts_on=dt.date(2026, 1, 1),
                ends_on=dt.date(2026, 12, 31),
                created_by=admin,
            )
            timed(f"{label}: new", campaign=campaign, user=admin, region=region)
            timed(f"{label}: again (all exist)", campaign=campaign, user=admin, region=region)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
