"""Django admin for the regional IT officer: a worker found by a NIK typed as people type it, and the
history of changes read as sentences."""

import pytest
from django.urls import reverse

from enrollment.services import enrollment_activate, enrollment_verify
from tests.factories import TODAY, AdminFactory, enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(campaign, agent, official):
    enrollment = enroll(campaign, agent, 7)
    enrollment_verify(enrollment=enrollment, by=official)
    enrollment_activate(enrollment=enrollment, by=official, kpj_number="25010000007", coverage_starts=TODAY)
    return enrollment


@pytest.mark.parametrize(
    "typed", ["3214 1615 0895 0007", "3214.1615.0895.0007", " 3214161508950007 ", "2501 0000 007"]
)
def test_the_admin_finds_a_worker_by_nik_or_kpj_typed_with_spaces_or_dots(client, member, typed):
    client.force_login(AdminFactory())
    page = client.get(reverse("admin:enrollment_worker_changelist"), {"q": typed}).content.decode()
    assert "3214********0007" in page  # listed, masked


def test_a_partial_number_finds_nobody(client, member):
    client.force_login(AdminFactory())
    page = client.get(reverse("admin:enrollment_worker_changelist"), {"q": "3214"})
    assert list(page.context["cl"].result_list) == []


def test_the_history_reads_as_sentences(client, member):
    client.force_login(AdminFactory())
    page = client.get(reverse("admin:enrollment_enrollment_history", args=[member.pk])).content.decode()
    assert "Terdaftar" in page and "Aktif" in page and "Perubahan" in page
    for raw in ("None", "Deleted", "pk=None", "registered", "+00:00"):
        assert raw not in page
