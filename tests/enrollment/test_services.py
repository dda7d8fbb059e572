import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation

from campaigns.models import Campaign, Quota
from enrollment.models import Enrollment, Worker
from enrollment.nearby import known_nik
from enrollment.services import (
    AlreadyEnrolled,
    EnrollmentError,
    VillageFull,
    add_months,
    enrollment_activate,
    enrollment_cancel,
    enrollment_hand_over_card,
    enrollment_promote_first_reserve,
    enrollment_register,
    enrollment_reject,
    enrollment_renew,
    enrollment_verify,
)
from regions.models import Region
from tests.factories import TODAY, AgentFactory, CampaignFactory, declaration, nik_for, quota

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def register(campaign, village, n: int, by, **kwargs) -> Enrollment:
    return enrollment_register(
        campaign=campaign,
        village=village,
        nik=nik_for(n),
        declaration=declaration(full_name=f"Pekerja {n}"),
        heirs=[{"name": "Euis", "relationship": "spouse", "nik": ""}],
        funding_source=None,
        entered_by=by,
        **kwargs,
    )


def filled(campaign, village) -> int:
    return Quota.objects.get(campaign=campaign, village=village).filled


def test_registering_takes_a_slot_and_saves_the_worker_with_heirs(campaign, tanjungsari, agent):
    enrollment = register(campaign, tanjungsari, 1, agent)

    assert enrollment.status == Enrollment.Status.REGISTERED
    assert filled(campaign, tanjungsari) == 1
    assert [h.name for h in enrollment.heirs.all()] == ["Euis"]
    assert enrollment.history.first().history_user == agent


def test_each_new_row_has_its_created_history_row_with_its_values(campaign, tanjungsari, agent):
    """The worker, the enrollment and the heir each get the history row simple-history would write
    (config.fast_insert.insert_one: one statement with its row on PostgreSQL)."""
    enrollment = register(campaign, tanjungsari, 1, agent)

    for row in (enrollment.worker, enrollment, enrollment.heirs.get()):
        [history] = type(row).history.filter(id=row.pk)  # type: ignore[attr-defined]
        assert (history.history_type, history.history_user) == ("+", agent)
    assert enrollment.history.get().full_name == "Pekerja 1"
    assert enrollment.worker.history.get().nik == nik_for(1)
    assert enrollment.heirs.get().history.get().name == "Euis"
    assert Enrollment.objects.get().entered_at == enrollment.entered_at  # auto_now_add as saved


def test_a_worker_created_by_someone_else_since_the_form_read_the_nik_is_enrolled_once(
    campaign, tanjungsari, agent
):
    """The form read "no worker with this NIK" (KnownNik); another agent's campaign created them
    before this save: the worker is not created twice, the entry enrolls the one there now."""
    stale = known_nik(nik_for(1))
    other = CampaignFactory(organizer=campaign.organizer, status=Campaign.Status.ACTIVE)
    quota(other, tanjungsari.code)
    earlier = register(other, tanjungsari, 1, agent)

    enrollment = register(campaign, tanjungsari, 1, agent, known=stale)

    assert enrollment.worker == earlier.worker
    assert Worker.objects.filter(nik=nik_for(1)).count() == 1
    assert filled(campaign, tanjungsari) == 1


def test_a_worker_enrolled_by_someone_else_since_the_form_read_the_nik_is_refused(
    campaign, tanjungsari, agent
):
    """The form read "not in this campaign" (KnownNik) and the save does not ask again; another agent
    enrolled the worker in between: the database refuses the second, with the usual message."""
    other = CampaignFactory(organizer=campaign.organizer, status=Campaign.Status.ACTIVE)
    quota(other, tanjungsari.code)
    register(other, tanjungsari, 1, agent)
    stale = known_nik(nik_for(1), campaign)
    register(campaign, tanjungsari, 1, agent)

    with pytest.raises(AlreadyEnrolled, match="already enrolled"):
        register(campaign, tanjungsari, 1, agent, known=stale)

    assert filled(campaign, tanjungsari) == 1
    assert Enrollment.objects.filter(campaign=campaign).count() == 1


def test_a_full_village_refuses_with_the_numbers(campaign, tanjungsari, agent):
    Quota.objects.filter(campaign=campaign, village=tanjungsari).update(target=1)
    register(campaign, tanjungsari, 1, agent)

    with pytest.raises(VillageFull, match="Desa Tanjungsari is full: 1 of 1 slots are taken"):
        register(campaign, tanjungsari, 2, agent)

    assert Enrollment.objects.count() == 1
    assert not Worker.objects.filter(nik=nik_for(2)).exists()


def test_a_full_village_puts_the_worker_on_the_reserve_list_when_asked(campaign, tanjungsari, agent):
    Quota.objects.filter(campaign=campaign, village=tanjungsari).update(target=1)
    register(campaign, tanjungsari, 1, agent)

    reserve = register(campaign, tanjungsari, 2, agent, reserve_if_full=True)

    assert reserve.status == Enrollment.Status.RESERVE
    assert filled(campaign, tanjungsari) == 1


def test_the_first_reserve_is_promoted_when_a_slot_frees_up(campaign, tanjungsari, agent, official):
    Quota.objects.filter(campaign=campaign, village=tanjungsari).update(target=1)
    first = register(campaign, tanjungsari, 1, agent)
    second = register(campaign, tanjungsari, 2, agent, reserve_if_full=True)
    register(campaign, tanjungsari, 3, agent, reserve_if_full=True)

    with pytest.raises(VillageFull):
        enrollment_promote_first_reserve(campaign=campaign, village=tanjungsari, by=official)
    enrollment_reject(enrollment=first, by=official, reason="Sudah terdaftar lewat perusahaan")
    promoted = enrollment_promote_first_reserve(campaign=campaign, village=tanjungsari, by=official)

    assert promoted.pk == second.pk
    assert promoted.status == Enrollment.Status.REGISTERED
    assert filled(campaign, tanjungsari) == 1


def test_a_worker_already_in_the_campaign_is_refused_naming_the_village_in_reach(
    campaign, tanjungsari, agent
):
    register(campaign, tanjungsari, 1, agent)

    with pytest.raises(AlreadyEnrolled, match="already enrolled in this campaign, in Desa Tanjungsari"):
        register(
            campaign,
            Region.objects.get(code="32.14.16.2006"),
            1,
            AgentFactory(regions=["32.14.16.2006", "32.14.16.2005"]),
        )


def test_a_worker_already_in_the_campaign_elsewhere_is_refused_without_naming_it(
    campaign, tanjungsari, agent
):
    register(campaign, tanjungsari, 1, agent)
    other_agent = AgentFactory(regions=["32.14.16.2006"])

    with pytest.raises(AlreadyEnrolled) as refused:
        register(campaign, Region.objects.get(code="32.14.16.2006"), 1, other_agent)

    assert str(refused.value) == "This worker is already enrolled in this campaign."
    assert filled(campaign, Region.objects.get(code="32.14.16.2006")) == 0


def test_rejecting_and_cancelling_give_the_slot_back_once(campaign, tanjungsari, agent, official):
    first = register(campaign, tanjungsari, 1, agent)
    second = register(campaign, tanjungsari, 2, agent)

    enrollment_reject(enrollment=first, by=official, reason="NIK salah")
    with pytest.raises(EnrollmentError):
        enrollment_reject(enrollment=first, by=official, reason="lagi")
    enrollment_cancel(enrollment=second, by=agent, reason="Pindah domisili")

    assert filled(campaign, tanjungsari) == 0
    first.refresh_from_db()
    assert (first.status, first.closed_by, first.reason) == (
        Enrollment.Status.REJECTED,
        official,
        "NIK salah",
    )


def test_a_reason_is_required_to_reject(campaign, tanjungsari, agent, official):
    enrollment = register(campaign, tanjungsari, 1, agent)

    with pytest.raises(EnrollmentError, match="reason"):
        enrollment_reject(enrollment=enrollment, by=official, reason="  ")

    assert filled(campaign, tanjungsari) == 1


def test_a_rejected_worker_may_be_entered_again(campaign, tanjungsari, agent, official):
    first = register(campaign, tanjungsari, 1, agent)
    enrollment_reject(enrollment=first, by=official, reason="Data belum lengkap")

    again = register(campaign, tanjungsari, 1, agent)

    assert again.status == Enrollment.Status.REGISTERED
    assert filled(campaign, tanjungsari) == 1


def test_verify_activate_and_hand_over_the_card(campaign, tanjungsari, agent, official):
    enrollment = register(campaign, tanjungsari, 1, agent)

    enrollment_verify(enrollment=enrollment, by=official)
    enrollment = enrollment_activate(
        enrollment=enrollment, by=official, kpj_number="25012345678", coverage_starts=TODAY
    )
    enrollment = enrollment_hand_over_card(enrollment=enrollment, by=official, on=TODAY)

    assert enrollment.status == Enrollment.Status.ACTIVE
    assert (enrollment.verified_by, enrollment.activated_by) == (official, official)
    assert enrollment.coverage_ends == add_months(TODAY, 12)  # 12 coverage months
    assert enrollment.card_handed_over_on == TODAY
    assert filled(campaign, tanjungsari) == 1
    assert enrollment.history.count() == 4


def test_activation_needs_a_kpj_number(campaign, tanjungsari, agent, official):
    enrollment = register(campaign, tanjungsari, 1, agent)

    with pytest.raises(EnrollmentError, match="KPJ"):
        enrollment_activate(enrollment=enrollment, by=official, kpj_number=" ", coverage_starts=TODAY)


def test_a_closed_campaign_takes_no_new_enrollments(campaign, tanjungsari, agent):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.CLOSED)
    campaign.refresh_from_db()

    with pytest.raises(EnrollmentError, match="not active"):
        register(campaign, tanjungsari, 1, agent)


def test_age_limits_of_the_campaign_apply(campaign, tanjungsari, agent):
    campaign.max_age = 25
    campaign.save()

    with pytest.raises(EnrollmentError, match="aged 15 to 25"):
        register(campaign, tanjungsari, 1, agent)  # born 1995


def test_renewing_enrolls_the_same_worker_in_a_later_campaign(campaign, tanjungsari, agent, official):
    enrollment = enrollment_activate(
        enrollment=register(campaign, tanjungsari, 1, agent),
        by=official,
        kpj_number="25010000001",
        coverage_starts=TODAY,
    )
    later = CampaignFactory(organizer=campaign.organizer, status=Campaign.Status.ACTIVE)
    quota(later, "32.14.16.2005", target=100)

    renewed = enrollment_renew(enrollment=enrollment, campaign=later, by=official)

    assert (renewed.worker, renewed.village, renewed.status) == (enrollment.worker, tanjungsari, "registered")
    assert filled(later, tanjungsari) == 1
    with pytest.raises(EnrollmentError, match="renewed already"):  # once renewed, not again
        enrollment_renew(enrollment=enrollment, campaign=later, by=official)


def test_services_check_the_users_area_themselves(campaign, tanjungsari, agent, other_official):
    enrollment = register(campaign, tanjungsari, 1, agent)

    for action, kwargs in [
        (enrollment_verify, {}),
        (enrollment_reject, {"reason": "x"}),
        (enrollment_cancel, {"reason": "x"}),
        (enrollment_activate, {"kpj_number": "25010000009", "coverage_starts": TODAY}),
    ]:
        with pytest.raises(EnrollmentError, match="may not change"):
            action(enrollment=enrollment, by=other_official, **kwargs)
    with pytest.raises(EnrollmentError, match="outside your area"):
        register(campaign, tanjungsari, 2, other_official)
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REGISTERED


def test_the_database_refuses_a_second_open_enrollment_of_one_worker(campaign, tanjungsari, agent):
    enrollment = register(campaign, tanjungsari, 1, agent)

    with pytest.raises(IntegrityError), transaction.atomic():
        Enrollment.objects.create(
            campaign=campaign, village=tanjungsari, worker=enrollment.worker, entered_by=agent
        )


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [("2026-01-31", 1, "2026-02-28"), ("2026-10-01", 3, "2027-01-01"), ("2024-02-29", 12, "2025-02-28")],
)
def test_add_months_keeps_to_the_calendar(start, months, end):
    assert add_months(dt.date.fromisoformat(start), months) == dt.date.fromisoformat(end)
