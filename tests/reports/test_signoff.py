"""Sign-off level by level: the village head signs the list, the district approves it, then the
regency. Once a level has signed or approved, its users and those below cannot change the list until
that level reopens it, with a reason; every step is recorded."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Quota
from enrollment.models import Enrollment
from enrollment.services import (
    EnrollmentError,
    enrollment_cancel,
    enrollment_reject,
    enrollment_update_declaration,
    enrollment_verify,
)
from reports import services
from reports.models import SignoffStep
from tests.factories import TODAY, OfficialFactory, declaration, enroll

pytestmark = pytest.mark.django_db


@pytest.fixture
def district_official(purwakarta):
    return OfficialFactory(username="pejabat.pondoksalam", regions=["32.14.16"])


@pytest.fixture
def listed(campaign, agent):
    """Two workers on Tanjungsari's list, entered by its agent."""
    return [enroll(campaign, agent, n, full_name=f"Pekerja {n}") for n in (1, 2)]


def _quota(campaign) -> Quota:
    return Quota.objects.select_related("village", "campaign").get(
        campaign=campaign, village__code="32.14.16.2005"
    )


def _sign(campaign, by):
    return services.signoff_advance(quota=_quota(campaign), by=by, village_head="H. Dedi", signed_on=TODAY)


def test_the_steps_go_village_head_district_regency_and_are_recorded(
    campaign, listed, agent, district_official, official
):
    _sign(campaign, agent)
    services.signoff_advance(quota=_quota(campaign), by=district_official)
    services.signoff_advance(quota=_quota(campaign), by=official)
    assert _quota(campaign).signoff == Quota.Signoff.REGENCY
    steps = SignoffStep.objects.order_by("pk")
    assert [(s.action, s.stage, s.by, s.workers) for s in steps] == [
        ("sign", 1, agent, 2),
        ("approve", 2, district_official, 2),
        ("approve", 3, official, 2),
    ]
    assert steps[0].village_head == "H. Dedi" and steps[0].signed_on == TODAY


def test_an_agent_cannot_approve_and_a_district_cannot_approve_for_the_regency(
    campaign, listed, agent, district_official
):
    _sign(campaign, agent)
    with pytest.raises(services.ReportError):
        services.signoff_advance(quota=_quota(campaign), by=agent)
    services.signoff_advance(quota=_quota(campaign), by=district_official)
    with pytest.raises(services.ReportError):
        services.signoff_advance(quota=_quota(campaign), by=district_official)
    assert _quota(campaign).signoff == Quota.Signoff.DISTRICT


def test_a_regency_official_may_approve_for_a_district_without_an_official(campaign, listed, agent, official):
    _sign(campaign, agent)
    services.signoff_advance(quota=_quota(campaign), by=official)
    assert _quota(campaign).signoff == Quota.Signoff.DISTRICT


def test_an_empty_list_cannot_be_signed(campaign, agent):
    with pytest.raises(services.ReportError, match="Belum ada yang terdaftar"):
        _sign(campaign, agent)
    assert _quota(campaign).signoff == Quota.Signoff.OPEN


def test_a_signed_list_is_locked_for_its_agent(campaign, listed, agent, official):
    _sign(campaign, agent)
    first = Enrollment.objects.get(pk=listed[0].pk)
    assert not first.can_correct(agent) and not first.can_cancel(agent)
    with pytest.raises(EnrollmentError, match="ditandatangani kepala desa"):
        enrollment_cancel(enrollment=first, by=agent, reason="pindah")
    with pytest.raises(EnrollmentError, match="ditandatangani kepala desa"):
        enroll(campaign, agent, 3)  # nobody is added to a signed list either
    # The district and regency are above the signature: they may still correct the list.
    enrollment_update_declaration(
        enrollment=first, declaration=declaration(full_name="Diperbaiki"), heirs=[None, None], by=official
    )
    assert Enrollment.objects.get(pk=first.pk).full_name == "Diperbaiki"


def test_approval_locks_the_list_below_the_approver_and_reopening_unlocks_it(
    campaign, listed, agent, district_official, official
):
    _sign(campaign, agent)
    services.signoff_advance(quota=_quota(campaign), by=district_official)
    services.signoff_advance(quota=_quota(campaign), by=official)
    first = Enrollment.objects.get(pk=listed[0].pk)
    with pytest.raises(EnrollmentError, match="disetujui kabupaten/kota"):
        enrollment_reject(enrollment=first, by=district_official, reason="bukan warga")
    with pytest.raises(EnrollmentError, match="disetujui kabupaten/kota"):
        enrollment_reject(enrollment=first, by=official, reason="bukan warga")
    # Verifying records what happens to the workers on the approved list: it stays open.
    enrollment_verify(enrollment=first, by=district_official)

    services.signoff_reopen(quota=_quota(campaign), by=official, reason="Satu pekerja ternyata pindah")
    assert _quota(campaign).signoff == Quota.Signoff.DISTRICT
    enrollment_reject(enrollment=Enrollment.objects.get(pk=listed[1].pk), by=official, reason="pindah")
    assert Enrollment.objects.get(pk=listed[1].pk).status == "rejected"
    assert SignoffStep.objects.last().reason == "Satu pekerja ternyata pindah"


def test_only_the_level_that_took_the_last_step_reopens_it(
    campaign, listed, agent, district_official, official
):
    _sign(campaign, agent)
    services.signoff_advance(quota=_quota(campaign), by=district_official)
    with pytest.raises(services.ReportError):
        services.signoff_reopen(quota=_quota(campaign), by=agent, reason="salah")
    with pytest.raises(services.ReportError):
        services.signoff_reopen(quota=_quota(campaign), by=official, reason=" ")
    assert _quota(campaign).signoff == Quota.Signoff.DISTRICT


def test_the_recap_page_records_the_signature_with_its_scan(client, campaign, listed, agent):
    client.force_login(agent)
    url = reverse("reports:recap_sign_off", args=[campaign.slug, "32.14.16.2005"])
    scan = SimpleUploadedFile("Daftar Asep dan Euis.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    response = client.post(
        url,
        {"village_head": "H. Dedi", "signed_on": TODAY.isoformat(), "scan": scan, "stage": "1"},
        follow=True,
    )
    assert "Desa Tanjungsari: Ditandatangani kepala desa." in response.content.decode()
    step = SignoffStep.objects.get()
    assert (
        step.scan.name.startswith(f"signoffs/{campaign.pk}/32.14.16.2005-") and "Asep" not in step.scan.name
    )
    download = client.get(reverse("reports:signoff_scan", args=[step.pk]))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"


def test_a_scan_that_is_not_a_pdf_or_picture_is_refused(client, campaign, listed, agent):
    client.force_login(agent)
    url = reverse("reports:recap_sign_off", args=[campaign.slug, "32.14.16.2005"])
    fake = SimpleUploadedFile("ttd.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = client.post(
        url,
        {"village_head": "H. Dedi", "signed_on": TODAY.isoformat(), "scan": fake, "stage": "1"},
        follow=True,
    )
    assert "Pindaian bukan berkas PDF, JPG atau PNG." in response.content.decode()
    assert not SignoffStep.objects.exists() and _quota(campaign).signoff == Quota.Signoff.OPEN


def test_an_agent_gets_403_for_approving_and_an_outsider_404(client, campaign, listed, agent, other_official):
    _sign(campaign, agent)
    url = reverse("reports:recap_sign_off", args=[campaign.slug, "32.14.16.2005"])
    client.force_login(agent)
    assert client.post(url).status_code == 403
    client.force_login(other_official)
    assert client.post(url).status_code == 404
    assert _quota(campaign).signoff == Quota.Signoff.SIGNED


def test_the_dashboard_counts_signed_and_approved_villages(client, campaign, listed, agent, official):
    _sign(campaign, agent)
    services.signoff_advance(quota=_quota(campaign), by=official)
    client.force_login(official)
    response = client.get(reverse("dashboards:campaign_dashboard", args=[campaign.slug]))
    headline = response.context["headline"]
    assert (headline.villages, headline.signed, headline.district_approved, headline.regency_approved) == (
        2,
        1,
        1,
        0,
    )
    assert (
        "1 dari 2 desa ditandatangani kepala desa, 1 disetujui kecamatan, 0 disetujui kabupaten/kota"
        in response.content.decode()
    )


def test_the_enrollment_page_says_why_it_cannot_be_changed(client, campaign, listed, agent):
    _sign(campaign, agent)
    client.force_login(agent)
    page = client.get(reverse("enrollment:enrollment_detail", args=[listed[0].pk])).content.decode()
    assert "Daftar Desa Tanjungsari sudah ditandatangani kepala desa" in page
    assert reverse("enrollment:enrollment_edit", args=[listed[0].pk]) not in page


def _approve_url(campaign):
    return reverse("reports:recap_sign_off", args=[campaign.slug, "32.14.16.2005"])


def test_a_double_click_on_approve_takes_one_step(client, campaign, listed, agent, official):
    _sign(campaign, agent)
    client.force_login(official)  # a regency official may approve for a district without one

    client.post(_approve_url(campaign), {"stage": "2"})
    second = client.post(_approve_url(campaign), {"stage": "2"}, follow=True)

    assert _quota(campaign).signoff == Quota.Signoff.DISTRICT  # not the regency's approval too
    assert "berubah" in second.content.decode() and "Tidak ada yang diubah" in second.content.decode()
    assert SignoffStep.objects.filter(action="approve").count() == 1


def test_three_reopen_clicks_undo_one_step_and_keep_the_village_heads_signature(
    client, campaign, listed, agent, official
):
    _sign(campaign, agent)
    services.signoff_advance(quota=_quota(campaign), by=official, expected=2)
    client.force_login(official)
    url = reverse("reports:recap_reopen", args=[campaign.slug, "32.14.16.2005"])

    for _ in range(3):
        client.post(url, {"stage": "2", "to": "1", "reason": "Satu nama salah"})

    assert _quota(campaign).signoff == Quota.Signoff.SIGNED
    assert SignoffStep.objects.filter(action="reopen").count() == 1
    # The service itself: a second "reopen the last step" from the same page changes nothing.
    services.signoff_advance(quota=_quota(campaign), by=official, expected=2)
    services.signoff_reopen(quota=_quota(campaign), by=official, reason="lagi", expected=2)
    with pytest.raises(services.ReportError, match="Tidak ada yang diubah"):
        services.signoff_reopen(quota=_quota(campaign), by=official, reason="lagi", expected=2)
    assert _quota(campaign).signoff == Quota.Signoff.SIGNED


def test_reopening_several_steps_takes_one_reason(client, campaign, listed, agent, official):
    _sign(campaign, agent)
    services.signoff_advance(quota=_quota(campaign), by=official, expected=2)
    services.signoff_advance(quota=_quota(campaign), by=official, expected=3)
    client.force_login(official)
    page = client.get(reverse("reports:village_recap", args=[campaign.slug, "32.14.16.2005"]))
    assert [label for _value, label in page.context["reopen_form"].fields["to"].choices] == [
        "Disetujui kecamatan",
        "Ditandatangani kepala desa",
        "Belum ditandatangani",
    ]

    url = reverse("reports:recap_reopen", args=[campaign.slug, "32.14.16.2005"])
    client.post(url, {"stage": "3", "to": "0", "reason": "Daftar diganti"})

    assert _quota(campaign).signoff == Quota.Signoff.OPEN
    reopen = SignoffStep.objects.get(action="reopen")
    assert (reopen.stage, reopen.reason) == (0, "Daftar diganti")


def test_whoever_recorded_the_signature_does_not_approve_it_for_the_district(
    campaign, listed, district_official, settings
):
    _sign(campaign, district_official)
    with pytest.raises(services.ReportError, match="pejabat lain yang menyetujuinya"):
        services.signoff_advance(quota=_quota(campaign), by=district_official)
    assert _quota(campaign).signoff == Quota.Signoff.SIGNED

    settings.SIGNOFF_SAME_PERSON_ALLOWED = True  # a regency with too few officials
    step = services.signoff_advance(quota=_quota(campaign), by=district_official)
    assert step.stage == Quota.Signoff.DISTRICT and "orang yang mencatat tanda tangan" in step.reason


def test_a_signed_list_is_said_on_the_agents_home_and_atop_the_form_before_a_worker_is_typed(
    client, campaign, listed, agent
):
    _sign(campaign, agent)
    client.force_login(agent)
    home = client.get(reverse("home")).content.decode()
    form = client.get(reverse("enrollment:enrollment_create")).content.decode()

    said = "Daftar Desa Tanjungsari sudah ditandatangani kepala desa: tidak ada yang dapat ditambahkan"
    assert said in home and said in form
    assert form.index(said) < form.index('name="nik"')  # before the worker's NIK
    assert f"?quota={_quota(campaign).pk}" not in home  # no "enroll a worker" button for it


def test_the_403_for_a_signed_list_says_so_and_who_can_reopen_it(client, campaign, listed, agent):
    _sign(campaign, agent)
    client.force_login(agent)
    response = client.get(reverse("enrollment:enrollment_edit", args=[listed[0].pk]))
    page = response.content.decode()
    assert response.status_code == 403
    assert "sudah ditandatangani kepala desa" in page and "agen desa atau pejabat kecamatan" in page
    assert "peran Anda tidak mengizinkan" not in page
