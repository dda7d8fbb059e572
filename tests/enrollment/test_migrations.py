"""The move of declarations from the worker to its enrollments keeps every value, and goes back."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("enrollment", "0002_constraint_messages")]
AFTER = [("enrollment", "0005_drop_declarations_from_workers")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.slow
def test_declarations_move_to_every_enrollment_and_back():
    try:
        apps = migrate(BEFORE)
        Region = apps.get_model("regions", "Region")
        # The session's regions may be here already (whether a transactional test emptied the database
        # before this one depends on the order the tests run in).
        province, _ = Region.objects.get_or_create(code="32", defaults={"name": "Jawa Barat", "level": 1})
        regency, _ = Region.objects.get_or_create(
            code="32.14", defaults={"name": "Purwakarta", "level": 2, "parent": province}
        )
        district, _ = Region.objects.get_or_create(
            code="32.14.16", defaults={"name": "Pondoksalam", "level": 3, "parent": regency}
        )
        village, _ = Region.objects.get_or_create(
            code="32.14.16.2005", defaults={"name": "Tanjungsari", "level": 4, "parent": district}
        )
        agent = apps.get_model("accounts", "User").objects.create(username="agen")
        Campaign = apps.get_model("campaigns", "Campaign")
        campaigns = [
            Campaign.objects.create(
                name=f"C{n}",
                slug=f"c{n}",
                organizer=regency,
                starts_on=dt.date(2025, 1, 1),
                ends_on=dt.date(2025, 12, 31),
                created_by=agent,
            )
            for n in (1, 2)
        ]
        consent = timezone.now() - dt.timedelta(days=30)
        worker = apps.get_model("enrollment", "Worker").objects.create(
            nik="3214161508950001",
            full_name="Asep",
            birth_date=dt.date(1995, 8, 15),
            sex="L",
            phone="+6281234567890",
            address="Kp. Cibodas",
            village=village,
            occupation="petani",
            monthly_income=1_500_000,
            kk_number="3214160101010001",
            consent_at=consent,
        )
        apps.get_model("enrollment", "Heir").objects.create(worker=worker, name="Euis", relationship="spouse")
        Enrollment = apps.get_model("enrollment", "Enrollment")
        for campaign, kpj in zip(campaigns, ["", "25010000001"], strict=True):
            Enrollment.objects.create(
                campaign=campaign,
                village=village,
                worker=worker,
                entered_by=agent,
                kpj_number=kpj,
                status="active" if kpj else "registered",
                coverage_starts=dt.date(2025, 1, 1) if kpj else None,
                activated_at=timezone.now() if kpj else None,
            )

        apps = migrate(AFTER)

        enrollments = apps.get_model("enrollment", "Enrollment").objects.order_by("pk")
        assert [
            (
                e.full_name,
                e.phone,
                e.kk_number,
                e.monthly_income,
                e.consent_given_at,
                e.consent_collected_by_id,
            )
            for e in enrollments
        ] == [("Asep", "+6281234567890", "3214160101010001", 1_500_000, consent, agent.pk)] * 2
        assert [list(e.heirs.values_list("name", "position")) for e in enrollments] == [[("Euis", 1)]] * 2
        assert apps.get_model("enrollment", "Worker").objects.get().kpj_number == "25010000001"

        apps = migrate(BEFORE)

        worker = apps.get_model("enrollment", "Worker").objects.get()
        assert (worker.full_name, worker.phone, worker.village_id, worker.consent_at) == (
            "Asep",
            "+6281234567890",
            village.pk,
            consent,
        )
        assert list(worker.heirs.values_list("name", flat=True)) == ["Euis"]
        kpjs = (
            apps.get_model("enrollment", "Enrollment")
            .objects.order_by("pk")
            .values_list("kpj_number", flat=True)
        )
        assert list(kpjs) == ["", "25010000001"]
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
