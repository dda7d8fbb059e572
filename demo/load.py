"""Demo data that tells the real stories of ../shared/DOMAIN.md, so a newcomer signs in to a living
program: West Java's "1 Desa 100 Perlindungan" in Kab. Purwakarta, Sijunjung's "Satu Nagari 100
Pekerja Rentan", Muara Enim's three-month regency campaign of 2020, and Desa Krajan's own campaign.

The workers are fictional, with NIKs that pass the checks and whose prefix is their district. Every
write goes through the services the pages use (bulk entry, verify, activate, reject, cancel, monthly
payments, claims, sign-off), so the counters, history and dashboards agree as they would in use;
only the dates are moved back afterwards, to spread the entries over the campaign's months.
"""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from billing.arrears import arrears_refresh
from campaigns.models import Campaign
from regions.models import Region
from targeting.coverage import coverage_refresh

from .build import make_users
from .people import REGIONS
from .stories import PROVINCE_SLUG, krajan, muara_enim, sijunjung, west_java
from .targets import sijunjung_dtsen, tanjungsari_worklist, twice_entered


def load(stdout=None) -> dict[str, User]:
    """Create (or leave as they are) the users, campaigns and workers of the stories."""
    say = stdout.write if stdout else (lambda text: None)
    missing = [code for code in REGIONS if not Region.objects.filter(code=code).exists()]
    if missing:
        raise RuntimeError(f"regions {missing} are missing: run `manage.py import_regions` first")
    users = make_users()
    if Campaign.objects.filter(slug=PROVINCE_SLUG).exists():
        say("The demo data is there already; the users' passwords are reset.\n")
        return users
    rng = random.Random(2025)
    # One transaction for the whole demo: each service call's own becomes a savepoint, and SQLite
    # writes its journal to disk once rather than at each of some 1,700 commits (31 s -> 24 s here).
    with transaction.atomic():
        west_java(users, rng)
        sijunjung(users, rng)
        muara_enim(users, rng)
        krajan(users, rng)
        sijunjung_dtsen(users, rng)
        tanjungsari_worklist(users, rng)
        twice_entered(users)
        arrears_refresh(timezone.localdate())  # what the background worker counts every hour
        coverage_refresh()  # the same: the target lists' coverage a regency's dashboard reads
    return users
