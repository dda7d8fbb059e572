"""The per-status counters on each quota (what dashboards add up) follow every service, and always
equal a direct count of the enrollments (DESIGN.md invariant 5)."""

import pytest
from django.db import IntegrityError

from campaigns.models import Quota
from enrollment.erasure import worker_erase
from enrollment.integrity import integrity_problems
from enrollment.models import Enrollment
from enrollment.services import (
    VillageFull,
    enrollment_activate,
    enrollment_cancel,
    enrollment_promote_first_reserve,
    enrollment_register,
    enrollment_reject,
    enrollment_renew,
    enrollment_verify,
)
from tests.factories import TODAY, CampaignFactory, declaration, enroll, nik_for, quota

pytestmark = pytest.mark.django_db


def counters(campaign, village) -> dict[str, int]:
    row = Quota.objects.get(campaign=campaign, village=village)
    return {
        name.removesuffix("_count"): getattr(row, name) for name in Quota.COUNTERS if getattr(row, name)
    } | {"filled": row.filled}


def test_counters_follow_every_service_and_equal_a_direct_count(campaign, tanjungsari, agent, official):
    Quota.objects.filter(campaign=campaign, village=tanjungsari).update(target=2)
    first, second = enroll(campaign, agent, 1), enroll(campaign, agent, 2)
    reserve = enrollment_register(
        campaign=campaign,
        village=tanjungsari,
        nik=nik_for(3),
        declaration=declaration(),
        heirs=[],
        funding_source=None,
        entered_by=agent,
        reserve_if_full=True,
    )
    assert counters(campaign, tanjungsari) == {"registered": 2, "reserve": 1, "filled": 2}

    enrollment_verify(enrollment=first, by=official)
    enrollment_activate(enrollment=first, by=official, kpj_number="KPJ1", coverage_starts=TODAY)
    enrollment_verify(enrollment=second, by=official)
    assert counters(campaign, tanjungsari) == {"verified": 1, "active": 1, "reserve": 1, "filled": 2}

    enrollment_reject(enrollment=second, by=official, reason="Bukan warga desa")
    assert counters(campaign, tanjungsari) == {"active": 1, "reserve": 1, "rejected": 1, "filled": 1}

    promoted = enrollment_promote_first_reserve(campaign=campaign, village=tanjungsari, by=official)
    assert promoted.pk == reserve.pk
    assert counters(campaign, tanjungsari) == {"registered": 1, "active": 1, "rejected": 1, "filled": 2}

    enrollment_cancel(enrollment=promoted, by=agent, reason="Pindah")
    assert counters(campaign, tanjungsari) == {"active": 1, "rejected": 1, "cancelled": 1, "filled": 1}

    later = CampaignFactory(organizer=campaign.organizer, status=campaign.status, created_by=official)
    quota(later, tanjungsari.code)
    enrollment_renew(enrollment=first, campaign=later, by=official)
    assert counters(later, tanjungsari) == {"registered": 1, "filled": 1}

    worker_erase(enrollment=first, by=official, reason="Permintaan ahli waris")
    assert counters(campaign, tanjungsari) == {"active": 1, "rejected": 1, "cancelled": 1, "filled": 1}
    assert integrity_problems() == []


def test_a_refused_enrollment_moves_no_counter(campaign, tanjungsari, agent):
    Quota.objects.filter(campaign=campaign, village=tanjungsari).update(target=1)
    enroll(campaign, agent, 1)

    with pytest.raises(VillageFull):
        enroll(campaign, agent, 2)

    assert counters(campaign, tanjungsari) == {"registered": 1, "filled": 1}


def test_the_database_refuses_counters_that_disagree_with_filled(campaign, tanjungsari):
    with pytest.raises(IntegrityError):
        Quota.objects.filter(campaign=campaign, village=tanjungsari).update(filled=3)


def test_check_integrity_names_a_counter_that_drifted(campaign, tanjungsari, agent):
    enroll(campaign, agent, 1)
    Quota.objects.filter(campaign=campaign, village=tanjungsari).update(
        registered_count=0, reserve_count=1, filled=0
    )

    assert integrity_problems() == [
        f"quota of campaign {campaign.pk} in 32.14.16.2005: reserve counter 1, but 0 enrollments are reserve",
        f"quota of campaign {campaign.pk} in 32.14.16.2005: registered counter 0, but 1 enrollments are registered",
    ]
    assert Enrollment.objects.count() == 1


def test_the_admin_shows_the_counters_without_letting_anyone_change_them(
    client, campaign, tanjungsari, agent
):
    from django.urls import reverse

    from tests.factories import AdminFactory

    enroll(campaign, agent, 1)
    row = Quota.objects.get(campaign=campaign, village=tanjungsari)
    client.force_login(AdminFactory())

    page = client.get(reverse("admin:campaigns_quota_change", args=[row.pk])).content.decode()

    assert 'name="registered_count"' not in page and 'name="filled"' not in page
    assert "terdaftar" in page.lower()  # the counter shown, by its Indonesian label
