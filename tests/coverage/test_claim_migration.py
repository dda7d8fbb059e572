"""The migration that pays a death benefit once per worker keeps duplicates recorded before it, refused
with a reason that names the claim that stands (and, when paid, says the money is to be recovered)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from tests.enrollment.test_migrations import migrate

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

BEFORE = [("coverage", "0001_contributions_and_claims")]
AFTER = [("coverage", "0004_claim_death_once_per_worker")]


def test_duplicate_death_claims_are_refused_with_a_reason_and_one_stands():
    try:
        apps = migrate(BEFORE)
        Region = apps.get_model("regions", "Region")  # the suite's regions may be loaded already
        province, _ = Region.objects.get_or_create(code="32", defaults={"name": "Jawa Barat", "level": 1})
        regency, _ = Region.objects.get_or_create(
            code="32.14", defaults={"name": "P", "level": 2, "parent": province}
        )
        district, _ = Region.objects.get_or_create(
            code="32.14.16", defaults={"name": "P", "level": 3, "parent": regency}
        )
        village, _ = Region.objects.get_or_create(
            code="32.14.16.2005", defaults={"name": "Tanjungsari", "level": 4, "parent": district}
        )
        official = apps.get_model("accounts", "User").objects.create(username="pejabat")
        campaign = apps.get_model("campaigns", "Campaign").objects.create(
            name="C", slug="c", organizer=regency, starts_on=dt.date(2025, 1, 1),
            ends_on=dt.date(2025, 12, 31), created_by=official,
        )  # fmt: skip
        worker = apps.get_model("enrollment", "Worker").objects.create(
            nik="3214161508950001", birth_date=dt.date(1995, 8, 15), sex="L"
        )
        enrollment = apps.get_model("enrollment", "Enrollment").objects.create(
            campaign=campaign, village=village, worker=worker, entered_by=official, occupation="petani",
            monthly_income=1_000_000, consent_given_at=timezone.now(), status="active",
            coverage_starts=dt.date(2025, 1, 1),
        )  # fmt: skip
        Claim = apps.get_model("coverage", "Claim")
        first, second, third, care = (
            Claim.objects.create(
                enrollment=enrollment,
                kind=kind,
                event_on=dt.date(2025, 3, 1),
                amount=42_000_000,
                status=status,
                recorded_by=official,
            )
            for kind, status in (
                ("jkm_death", "paid"),
                ("jkm_death", "paid"),
                ("jkm_death", "submitted"),
                ("jkk_care", "paid"),
            )
        )

        apps = migrate(AFTER)

        claims = {c.pk: c for c in apps.get_model("coverage", "Claim").objects.all()}
        assert {pk: c.worker_id for pk, c in claims.items()} == dict.fromkeys(claims, worker.pk)
        assert claims[first.pk].status == "paid" and claims[care.pk].status == "paid"
        assert (claims[second.pk].status, claims[second.pk].reason) == (
            "refused",
            f"Dicatat dua kali: sama dengan klaim #{first.pk}. Jumlah yang sudah dibayar harus dikembalikan.",
        )
        assert claims[third.pk].reason == f"Dicatat dua kali: sama dengan klaim #{first.pk}."
    finally:  # every app back to its latest (billing depends on coverage, and went back with it)
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
