"""Several people at once on one record: one wins, the others get a message, nothing is counted twice.
PostgreSQL only: SQLite serializes writers, so it cannot show a race either way."""

import pytest
from django.db import connection

from billing.models import Payment
from billing.paying import month_pay
from billing.services import BillingError
from campaigns.models import Quota, month_of
from coverage import claims
from coverage.models import Claim, Contribution
from coverage.services import CoverageError
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate
from imports import services as imports
from imports.models import ImportBatch
from regions.models import Region
from reports import services as reports
from reports.models import SignoffStep
from tests.enrollment.test_concurrency import run_at_once
from tests.factories import TODAY, enroll, nik_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent writers"),
]


@pytest.fixture
def member(campaign, agent, official):
    enrollment = enroll(campaign, agent, 1, full_name="Asep")
    enrollment_activate(enrollment=enrollment, by=official, kpj_number="25010000001", coverage_starts=TODAY)
    return Enrollment.objects.get(pk=enrollment.pk)


def test_three_officials_recording_one_death_at_once_record_one_claim(member, official):
    results = run_at_once(
        3,
        lambda i: claims.claim_record(
            enrollment=member,
            kind="jkm_death",
            event_on=TODAY,
            amount=None,
            heir=None,
            documents=[],
            by=official,
        ),
    )
    assert sum(isinstance(r, Claim) for r in results) == 1
    assert all(isinstance(r, CoverageError) for r in results if not isinstance(r, Claim))
    assert Claim.objects.filter(kind="jkm_death").count() == 1


def test_three_officials_paying_one_month_at_once_record_it_once(member, official, campaign):
    village = Region.objects.get(code="32.14.16.2005")
    results = run_at_once(
        3,
        lambda i: month_pay(
            campaign=campaign, region=village, month=month_of(TODAY), paid_on=TODAY, by=official,
            channel="transfer", reference=f"TRF-{i}",
        ),
    )  # fmt: skip
    assert not [r for r in results if isinstance(r, Exception) and not isinstance(r, BillingError)]
    assert Payment.objects.count() == 1
    assert Contribution.objects.filter(month=month_of(TODAY)).count() == 1


def test_a_double_click_on_approve_at_once_takes_one_step(campaign, agent, official, member):
    quota = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")
    reports.signoff_advance(quota=quota, by=agent, village_head="H. Dedi", signed_on=TODAY, expected=1)
    results = run_at_once(3, lambda i: reports.signoff_advance(quota=quota, by=official, expected=2))
    assert sum(isinstance(r, SignoffStep) for r in results) == 1
    assert Quota.objects.get(pk=quota.pk).signoff == Quota.Signoff.DISTRICT


def test_two_saves_of_one_import_at_once_save_it_once(campaign, official):
    data = ("nik;nama;kode_desa;pekerjaan\n" + f"{nik_for(5)};Euis;32.14.16.2005;petani\n").encode()
    batch = imports.import_check(
        imports.import_upload(kind="signups", campaign=campaign, data=data, file_name="m.csv", by=official)
    )
    results = run_at_once(
        2, lambda i: imports.import_commit(ImportBatch.objects.get(pk=batch.pk), by=official)
    )
    assert sum(isinstance(r, ImportBatch) for r in results) == 1, results
    assert sum(isinstance(r, imports.AlreadySaved) for r in results) == 1
    batch.refresh_from_db()
    assert (batch.state, batch.enrollments.count()) == ("done", 1)
