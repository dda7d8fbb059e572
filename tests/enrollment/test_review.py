"""The official's flow: review queue, bulk actions, detail, lists, scoping."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, Quota, add_months
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate, enrollment_register
from regions.models import Region
from tests.factories import (
    SIGNED_IN,
    TODAY,
    AgentFactory,
    CampaignFactory,
    declaration,
    nik_for,
    quota,
)

pytestmark = pytest.mark.django_db


def enroll(campaign, n: int, by, code: str = "32.14.16.2005", **fields) -> Enrollment:
    return enrollment_register(
        campaign=campaign,
        village=Region.objects.get(code=code),
        nik=nik_for(n),
        declaration=declaration(full_name=f"Pekerja {n}", **fields),
        heirs=[],
        funding_source=None,
        entered_by=by,
    )


def reserve_entry(campaign, quota, agent) -> dict:
    """A second worker for a village that is already full: they go on the reserve list."""
    return {
        "campaign": campaign,
        "village": quota.village,
        "nik": nik_for(2),
        "declaration": declaration(),
        "heirs": [],
        "funding_source": None,
        "entered_by": agent,
        "reserve_if_full": True,
    }


def test_the_review_queue_lists_registered_entries_oldest_first(
    client, official, agent, campaign, django_assert_num_queries
):
    for n in range(1, 4):
        enroll(campaign, n, agent)
    client.force_login(official)

    # session, user, the user's regions, their villages' ids (regions.reach.village_reach_q), count
    # (up to 1,000), the page of enrollments with worker, village and its district, campaign, agent
    # (the filter's campaigns only when its panel is opened)
    with django_assert_num_queries(SIGNED_IN + 4):
        response = client.get(reverse("enrollment:review_queue"))

    assert [e.full_name for e in response.context["page"]] == ["Pekerja 1", "Pekerja 2", "Pekerja 3"]


def test_bulk_verify_then_bulk_activate(client, official, agent, campaign):
    enrollments = [enroll(campaign, n, agent) for n in range(1, 4)]
    client.force_login(official)

    client.post(
        reverse("enrollment:review_bulk"), {"action": "verify", "selected": [e.pk for e in enrollments[:2]]}
    )
    client.post(
        reverse("enrollment:review_bulk"),
        {
            "action": "activate",
            "selected": [enrollments[0].pk],
            f"kpj_{enrollments[0].pk}": "25010000001",
            "coverage_starts": TODAY.isoformat(),
        },
    )

    statuses = [Enrollment.objects.get(pk=e.pk).status for e in enrollments]
    assert statuses == ["active", "verified", "registered"]
    active = Enrollment.objects.get(pk=enrollments[0].pk)
    assert (active.worker.kpj_number, active.coverage_ends, active.activated_by) == (
        "25010000001",
        add_months(TODAY, 12),
        official,
    )


def test_bulk_actions_ignore_rows_outside_the_officials_area(client, other_official, agent, campaign):
    enrollment = enroll(campaign, 1, agent)
    client.force_login(other_official)

    client.post(reverse("enrollment:review_bulk"), {"action": "verify", "selected": [enrollment.pk]})

    assert Enrollment.objects.get(pk=enrollment.pk).status == Enrollment.Status.REGISTERED


def test_an_official_rejects_with_a_reason_and_the_slot_is_freed(client, official, agent, campaign):
    enrollment = enroll(campaign, 1, agent)
    client.force_login(official)

    client.post(
        reverse("enrollment:enrollment_reject", args=[enrollment.pk]), {"reason": "Sudah peserta aktif"}
    )

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.reason, enrollment.closed_by) == (
        "rejected",
        "Sudah peserta aktif",
        official,
    )
    assert Quota.objects.get(campaign=campaign, village=enrollment.village).filled == 0


def test_activation_and_card_hand_over_from_the_detail_page(client, official, agent, campaign):
    enrollment = enroll(campaign, 1, agent)
    client.force_login(official)

    client.post(
        reverse("enrollment:enrollment_activate", args=[enrollment.pk]),
        {"kpj_number": "25010000001", "coverage_starts": TODAY.isoformat()},
    )
    client.post(
        reverse("enrollment:enrollment_card", args=[enrollment.pk]), {"handed_over_on": TODAY.isoformat()}
    )

    enrollment.refresh_from_db()
    assert enrollment.status == "active"
    assert enrollment.card_handed_over_on == TODAY


@pytest.mark.parametrize(
    "name", ["enrollment_verify", "enrollment_reject", "enrollment_activate", "enrollment_card"]
)
def test_agents_cannot_take_official_actions(client, agent, campaign, name):
    enrollment = enroll(campaign, 1, agent)
    client.force_login(agent)

    assert (
        client.post(reverse(f"enrollment:{name}", args=[enrollment.pk]), {"reason": "x"}).status_code == 403
    )
    assert Enrollment.objects.get(pk=enrollment.pk).status == "registered"


@pytest.mark.parametrize("name", ["enrollment_detail", "enrollment_edit", "enrollment_cancel"])
def test_outsiders_get_404(client, other_official, agent, campaign, name):
    enrollment = enroll(campaign, 1, agent)
    client.force_login(other_official)

    assert client.get(reverse(f"enrollment:{name}", args=[enrollment.pk])).status_code == 404


def test_the_list_masks_nik_and_phone_and_the_detail_shows_them(
    client, official, agent, campaign, django_assert_num_queries
):
    for n in range(1, 4):
        enroll(campaign, n, agent)
    client.force_login(official)

    # session, user, the user's regions, their villages' ids, the page's ids (no count), its rows,
    # the drill-down's chosen region and starting regions (the filter's campaigns only when opened)
    with django_assert_num_queries(SIGNED_IN + 6):
        listing = client.get(reverse("enrollment:enrollment_list")).content.decode()
    detail = client.get(
        reverse("enrollment:enrollment_detail", args=[Enrollment.objects.first().pk])
    ).content.decode()

    assert "3214********0001" in listing and nik_for(1) not in listing
    assert "0812****7890" in listing and "+6281234567890" not in listing
    assert nik_for(3) in detail and "0812-3456-7890" in detail  # whole, as Indonesians write it


def test_the_list_filters_and_searches(client, official, agent, campaign):
    enroll(campaign, 1, agent, occupation="nelayan")
    enroll(campaign, 2, official, code="32.14.16.2006")
    client.force_login(official)
    url = reverse("enrollment:enrollment_list")

    def names(**params) -> list[str]:
        return sorted(e.full_name for e in client.get(url, params).context["page"])

    assert names(occupation="nelayan") == ["Pekerja 1"]
    assert names(region="32.14.16.2006") == ["Pekerja 2"]
    assert names(q=nik_for(2)[:10]) == []  # a partial NIK finds nothing
    assert names(q="pekerja 1") == ["Pekerja 1"]
    assert names(status="registered", campaign=campaign.pk, entered_by=agent.username) == ["Pekerja 1"]
    today = timezone.localdate().isoformat()
    assert names(entered_after=today, entered_before=today) == ["Pekerja 1", "Pekerja 2"]


def test_the_detail_page_shows_who_changed_what(client, official, agent, campaign):
    enrollment = enroll(campaign, 1, agent)
    client.force_login(official)
    client.post(reverse("enrollment:enrollment_verify", args=[enrollment.pk]))

    html = client.get(reverse("enrollment:enrollment_detail", args=[enrollment.pk])).content.decode()

    assert "status: Terdaftar → Terverifikasi" in html
    assert str(official) in html


def test_the_promote_button_gives_the_freed_slot_to_the_first_reserve(client, official, agent, campaign):
    tanjungsari = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")
    Quota.objects.filter(pk=tanjungsari.pk).update(target=1)
    first = enroll(campaign, 1, agent)
    reserve = enrollment_register(**reserve_entry(campaign, tanjungsari, agent))
    client.force_login(official)
    client.post(reverse("enrollment:enrollment_reject", args=[first.pk]), {"reason": "Dobel"})

    client.post(reverse("enrollment:quota_promote", args=[tanjungsari.pk]))

    assert Enrollment.objects.get(pk=reserve.pk).status == "registered"


def test_coverage_ending_soon_is_listed_and_renewed(client, official, agent, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(starts_on=timezone.localdate() - dt.timedelta(days=400))
    campaign.refresh_from_db()
    enrollment = enroll(campaign, 1, agent)
    Enrollment.objects.filter(pk=enrollment.pk).update(entered_at=timezone.now() - dt.timedelta(days=360))
    enrollment_activate(
        enrollment=enrollment,
        by=official,
        kpj_number="25010000001",
        coverage_starts=timezone.localdate() - dt.timedelta(days=350),
    )
    Campaign.objects.filter(pk=campaign.pk).update(coverage_months=12)
    later = CampaignFactory(organizer=campaign.organizer, status=Campaign.Status.ACTIVE, name="Lanjutan 2027")
    quota(later, "32.14.16.2005")
    client.force_login(official)

    listing = client.get(reverse("enrollment:expiring_list"))
    client.post(reverse("enrollment:enrollment_renew", args=[enrollment.pk]), {"campaign": later.pk})

    assert [e.pk for e in listing.context["page"]] == [enrollment.pk]
    assert "Lanjutan 2027" in listing.content.decode()
    assert Enrollment.objects.filter(campaign=later, worker=enrollment.worker, status="registered").exists()


def test_another_regency_official_cannot_renew_a_worker_outside_their_area(
    client, other_official, agent, campaign
):
    enrollment = enroll(campaign, 1, agent)
    client.force_login(other_official)

    assert (
        client.post(
            reverse("enrollment:enrollment_renew", args=[enrollment.pk]), {"campaign": campaign.pk}
        ).status_code
        == 404
    )


def test_an_agent_sees_only_enrollments_in_their_villages(client, agent, official, campaign):
    enroll(campaign, 1, agent)
    enroll(campaign, 2, official, code="32.14.16.2006")
    client.force_login(AgentFactory(regions=["32.14.16.2005"]))

    page = client.get(reverse("enrollment:enrollment_list")).context["page"]

    assert [e.full_name for e in page] == ["Pekerja 1"]


def test_the_agent_sees_the_reserve_list_and_gives_a_freed_slot_to_the_first_reserve(
    client, agent, official, campaign
):
    tanjungsari = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")
    Quota.objects.filter(pk=tanjungsari.pk).update(target=1)
    first = enroll(campaign, 1, agent)
    reserve = enrollment_register(**reserve_entry(campaign, tanjungsari, agent))
    client.force_login(agent)
    assert "1 dalam daftar cadangan" in client.get(reverse("home")).content.decode()
    client.post(reverse("enrollment:enrollment_cancel", args=[first.pk]), {"reason": "Meninggal dunia"})

    home = client.get(reverse("home")).content.decode()
    client.post(reverse("enrollment:quota_promote", args=[tanjungsari.pk]))

    assert "Berikan slot kosong ke cadangan pertama" in home
    assert Enrollment.objects.get(pk=reserve.pk).status == "registered"
    assert Quota.objects.get(pk=tanjungsari.pk).filled == 1


def test_a_quota_outside_the_area_cannot_be_promoted(client, other_official, campaign):
    tanjungsari = Quota.objects.get(campaign=campaign, village__code="32.14.16.2005")
    client.force_login(other_official)

    assert client.post(reverse("enrollment:quota_promote", args=[tanjungsari.pk])).status_code == 404


def test_bulk_activation_with_a_bad_date_changes_nothing_and_says_why(client, official, agent, campaign):
    enrollment = enroll(campaign, 1, agent)
    client.force_login(official)

    response = client.post(
        reverse("enrollment:review_bulk"),
        {
            "action": "activate",
            "selected": [enrollment.pk],
            f"kpj_{enrollment.pk}": "1",
            "coverage_starts": "31-31-2026",
        },
        follow=True,
    )

    assert "Isi nomor kepesertaan (KPJ) dan tanggal mulai perlindungan." in response.content.decode()
    assert Enrollment.objects.get(pk=enrollment.pk).status == "registered"


def test_the_region_drill_down_goes_from_the_users_area_to_its_villages(client, official, agent, campaign):
    enroll(campaign, 1, agent)
    client.force_login(official)
    url = reverse("enrollment:enrollment_list")

    start = client.get(url)
    regency = client.get(url, {"region": "32.14"})
    district = client.get(url, {"region": "32.14.16"})
    outside = client.get(url, {"region": "32.15"})

    assert [r.code for r in start.context["region_children"]] == ["32.14"]
    assert len(regency.context["region_children"]) == 17
    assert "32.14.16.2005" in [r.code for r in district.context["region_children"]]
    assert [r.code for r in district.context["region_path"]] == [
        "32.14"
    ]  # Jawa Barat is above the official's reach
    assert outside.context["region"] is None
    assert list(outside.context["page"]) == []


def test_once_verified_the_agent_can_no_longer_correct_or_cancel_but_the_official_can_cancel(
    client, official, agent, campaign
):
    enrollment = enroll(campaign, 1, agent)
    client.force_login(official)
    client.post(reverse("enrollment:enrollment_verify", args=[enrollment.pk]))

    client.force_login(agent)
    detail = client.get(reverse("enrollment:enrollment_detail", args=[enrollment.pk])).content.decode()
    assert client.get(reverse("enrollment:enrollment_edit", args=[enrollment.pk])).status_code == 403
    assert (
        client.post(
            reverse("enrollment:enrollment_cancel", args=[enrollment.pk]), {"reason": "x"}
        ).status_code
        == 403
    )
    assert "Perbaiki data" not in detail and "Batalkan pendaftaran" not in detail

    client.force_login(official)
    client.post(
        reverse("enrollment:enrollment_cancel", args=[enrollment.pk]), {"reason": "Pindah ke luar kota"}
    )
    assert Enrollment.objects.get(pk=enrollment.pk).status == "cancelled"


def test_the_page_the_check_and_the_service_give_one_reason_for_a_refusal(client, official, agent, campaign):
    """A check answers with its reason (config.verdicts): the 403 page and the service say its words."""
    from enrollment.services import EnrollmentError, enrollment_update_declaration

    enrollment = enroll(campaign, 1, agent)
    enrollment_activate(enrollment=enrollment, by=official, kpj_number="KPJ123456", coverage_starts=TODAY)
    enrollment.refresh_from_db()
    verdict = enrollment.can_correct(agent)
    assert (
        not verdict
        and str(verdict.reason)
        == "Pendaftaran ini berstatus aktif; tindakan itu tidak bisa dilakukan sekarang."
    )

    client.force_login(agent)
    page = client.get(reverse("enrollment:enrollment_edit", args=[enrollment.pk]))
    assert page.status_code == 403 and str(verdict.reason) in page.content.decode()
    with pytest.raises(EnrollmentError, match=str(verdict.reason)):
        enrollment_update_declaration(enrollment=enrollment, declaration=declaration(), heirs=[], by=agent)

    stranger = AgentFactory(regions=["32.14.16.2005"])
    assert str(enrollment.can_cancel(stranger).reason) == "Anda tidak boleh mengubah pendaftaran ini."
    assert enrollment.can_cancel(official)


def test_a_nik_search_is_posted_and_never_appears_in_the_address(client, official, agent, campaign):
    enroll(campaign, 1, agent)
    enroll(campaign, 2, agent)
    client.force_login(official)

    response = client.post(
        reverse("enrollment:enrollment_list"), {"q": nik_for(2), "status": "registered"}, follow=True
    )

    address = response.redirect_chain[0][0]
    assert nik_for(2) not in address and "status=registered" in address
    assert [e.full_name for e in response.context["page"]] == ["Pekerja 2"]
    unknown = client.post(reverse("enrollment:enrollment_list"), {"q": nik_for(9)}, follow=True)
    assert list(unknown.context["page"]) == []


def test_the_list_pages_newest_first_without_counting(client, official, agent, campaign, monkeypatch):
    monkeypatch.setattr("enrollment.views.lists.PER_PAGE", 2)
    for n in range(1, 6):
        enroll(campaign, n, agent)
    client.force_login(official)
    url = reverse("enrollment:enrollment_list")

    first = client.get(url).context["page"]
    second = client.get(url, {"before": first.older}).context["page"]
    last = client.get(url, {"before": second.older}).context["page"]
    back = client.get(url, {"after": last.newer}).context["page"]

    assert [e.full_name for e in first] == ["Pekerja 5", "Pekerja 4"] and first.newer is None
    assert [e.full_name for e in second] == ["Pekerja 3", "Pekerja 2"]
    assert [e.full_name for e in last] == ["Pekerja 1"] and last.older is None
    assert [e.full_name for e in back] == ["Pekerja 3", "Pekerja 2"]
    assert client.get(url, {"before": "abc", "after": "9" * 30}).status_code == 200


def test_the_queue_filters_by_area_agent_and_nik_from_another_district(client, official, agent, campaign):
    other_agent = AgentFactory(regions=["32.14.16.2006"])
    enroll(campaign, 1, agent)
    enroll(campaign, 2, other_agent, code="32.14.16.2006")
    moved = enrollment_register(  # a worker whose NIK Karawang issued
        campaign=campaign,
        village=Region.objects.get(code="32.14.16.2005"),
        nik="3215011508950003",
        declaration=declaration(full_name="Pekerja 3"),
        heirs=[],
        funding_source=None,
        entered_by=agent,
    )
    client.force_login(official)
    url = reverse("enrollment:review_queue")

    def names(**params):
        return sorted(e.full_name for e in client.get(url, params).context["page"])

    assert names() == ["Pekerja 1", "Pekerja 2", "Pekerja 3"]
    assert names(region="32.14.16.2006") == ["Pekerja 2"]
    assert names(entered_by=other_agent.username) == ["Pekerja 2"]
    assert names(other_district="on") == [moved.full_name]
    assert "NIK dari kecamatan lain" in client.get(url).content.decode()


def test_bulk_activation_takes_kpj_numbers_from_a_pasted_list_or_a_file(client, official, agent, campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    first, second, third = (enroll(campaign, n, agent) for n in (1, 2, 3))
    client.force_login(official)
    pasted = f"NIK,KPJ\n{first.worker.nik},25010000001\n9999999999999999,25019999999\n"
    file = SimpleUploadedFile(
        "kpj.csv", f"{second.worker.nik};25010000002\n".encode(), content_type="text/csv"
    )

    response = client.post(
        reverse("enrollment:review_bulk"),
        {"action": "activate", "kpj_list": pasted, "kpj_file": file, "coverage_starts": TODAY.isoformat()},
        follow=True,
    )

    first.refresh_from_db(), second.refresh_from_db(), third.refresh_from_db()
    assert (first.status, first.worker.kpj_number) == ("active", "25010000001")
    assert (second.status, second.worker.kpj_number) == ("active", "25010000002")
    assert third.status == "registered"  # not ticked, not listed
    page = response.content.decode()
    assert "2 pendaftaran diperbarui" in page
    assert "1 NIK dalam daftar tidak sedang menunggu aktivasi di wilayah Anda" in page


def test_a_bad_line_in_the_kpj_list_changes_nothing_and_says_which(client, official, agent, campaign):
    first = enroll(campaign, 1, agent)
    client.force_login(official)

    response = client.post(
        reverse("enrollment:review_bulk"),
        {"action": "activate", "kpj_list": f"{first.worker.nik},25010000001\n3214,123\n"},
        follow=True,
    )

    first.refresh_from_db()
    assert first.status == "registered"
    assert "baris 2" in response.content.decode()
