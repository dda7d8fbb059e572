"""Input as a hostile or clumsy user sends it: each gets a clear message, never a server error."""

import pytest
from django.contrib import messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from campaigns.models import Campaign, FundingSource, Quota
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate, enrollment_verify
from tests.factories import TODAY, campaign_data, enroll

pytestmark = pytest.mark.django_db


def test_a_campaign_named_only_with_punctuation_gets_a_usable_address(client, official, campaign):
    client.force_login(official)

    response = client.post(reverse("campaigns:campaign_create"), campaign_data(name="!!! 🎉", budget="1000"))

    created = Campaign.objects.get(name="!!! 🎉")
    assert created.slug and response.status_code == 302
    assert client.get(reverse("campaigns:campaign_list")).status_code == 200


@pytest.mark.parametrize("value", ["abc", "1.5", "", "99999999999999999999"])
def test_forged_ids_in_bulk_actions_and_renewal_are_messages(client, official, agent, campaign, value):
    active = enrollment_activate(
        enrollment=enroll(campaign, agent), by=official, kpj_number="2501", coverage_starts=TODAY
    )
    client.force_login(official)

    bulk = client.post(
        reverse("enrollment:review_bulk"), {"action": "verify", "selected": value}, follow=True
    )
    renew = client.post(
        reverse("enrollment:enrollment_renew", args=[active.pk]), {"campaign": value}, follow=True
    )

    assert bulk.status_code == 200 and renew.status_code == 200
    assert Enrollment.objects.count() == 1


def test_a_long_kpj_and_a_far_coverage_date_in_bulk_activation_are_messages(
    client, official, agent, campaign
):
    enrollment = enroll(campaign, agent)
    enrollment_verify(enrollment=enrollment, by=official)
    client.force_login(official)

    for kpj, starts in [("9" * 50, "2026-12-01"), ("25010000001", "9999-06-01")]:
        response = client.post(
            reverse("enrollment:review_bulk"),
            {
                "action": "activate",
                "selected": enrollment.pk,
                f"kpj_{enrollment.pk}": kpj,
                "coverage_starts": starts,
            },
            follow=True,
        )
        assert response.status_code == 200
        assert any(m.level == messages.ERROR for m in response.context["messages"])
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.VERIFIED


def test_a_far_coverage_date_on_the_detail_page_is_a_message(client, official, agent, campaign):
    enrollment = enroll(campaign, agent)
    client.force_login(official)

    response = client.post(
        reverse("enrollment:enrollment_activate", args=[enrollment.pk]),
        {"kpj_number": "25010000001", "coverage_starts": "9999-06-01"},
        follow=True,
    )

    assert response.status_code == 200
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REGISTERED


@pytest.mark.parametrize(
    ("url_name", "params"),
    [
        ("regions:region_search", {"q": "Tanjung\x00sari"}),
        ("regions:village_picker", {"q": "Tanjung\x00sari"}),
        ("accounts:agent_list", {"q": "a\x00"}),
        ("enrollment:enrollment_list", {"region": "32.14\x00", "q": "a\x00b"}),
        ("campaigns:campaign_list", {"q": "\x00"}),
    ],
)
def test_a_nul_byte_in_a_query_is_a_message(client, official, url_name, params):
    client.force_login(official)

    response = client.get(reverse(url_name), params)

    assert response.status_code == 400
    assert "tidak diizinkan" in response.content.decode()


def test_a_nul_byte_in_the_path_is_a_message(client, official):
    client.force_login(official)

    response = client.get("/regions/%00/")

    assert response.status_code == 400
    assert "tidak diizinkan" in response.content.decode()


def test_a_huge_target_in_allocation_is_a_message(client, official, campaign):
    client.force_login(official)

    response = client.post(
        reverse("campaigns:quota_allocate", args=[campaign.slug]),
        {"region": "32.14.16", "target": "2147483648"},
    )

    assert response.status_code == 200 and response.context["form"].errors["target"]
    assert not Quota.objects.filter(campaign=campaign, target__gt=100).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"32.14.16.2005,10000000000\n", "baris 1: target dan jumlah sebelumnya harus bilangan bulat"),
        (b"32.14.16.2005,10,10000000000\n", "baris 1: target dan jumlah sebelumnya harus bilangan bulat"),
        (b"32.14.16.2005," + b"9" * 200_000 + b"\n", "baris 1: baris ini tidak dapat dibaca sebagai CSV"),
    ],
)
def test_broken_quota_csv_files_are_messages(client, official, campaign, content, message):
    client.force_login(official)

    response = client.post(
        reverse("campaigns:quota_upload", args=[campaign.slug]),
        {"file": SimpleUploadedFile("q.csv", content, content_type="text/csv")},
    )

    assert message in str(response.context["form"].errors)
    assert Quota.objects.get(campaign=campaign, village__code="32.14.16.2005").target == 100


def test_a_csv_with_old_mac_line_endings_is_read(client, official, campaign):
    client.force_login(official)

    client.post(
        reverse("campaigns:quota_upload", args=[campaign.slug]),
        {
            "file": SimpleUploadedFile(
                "q.csv", b"village_code,target\r32.14.16.2006,50\r", content_type="text/csv"
            )
        },
    )

    assert Quota.objects.get(campaign=campaign, village__code="32.14.16.2006").target == 50


def test_a_semicolon_csv_from_indonesian_excel_is_read(client, official, campaign):
    client.force_login(official)

    client.post(
        reverse("campaigns:quota_upload", args=[campaign.slug]),
        {
            "file": SimpleUploadedFile(
                "q.csv", b"kode_desa;target\n32.14.16.2006;50\n", content_type="text/csv"
            )
        },
    )

    assert Quota.objects.get(village__code="32.14.16.2006").target == 50


def test_a_file_of_bad_lines_reports_the_first_problems_and_a_count(client, official, campaign):
    client.force_login(official)
    content = b"".join(b"99.%d,1\n" % n for n in range(5000))  # no header: 5,000 bad lines

    response = client.post(
        reverse("campaigns:quota_upload", args=[campaign.slug]),
        {"file": SimpleUploadedFile("q.csv", content, content_type="text/csv")},
    )

    html = response.content.decode()
    assert "5.000" in html or "5000" in html
    assert len(html) < 100_000


def test_an_oversized_upload_is_refused(client, official, campaign):
    client.force_login(official)
    content = b"32.14.16.2005,1\n" * 400_000  # 6 MB

    response = client.post(
        reverse("campaigns:quota_upload", args=[campaign.slug]),
        {"file": SimpleUploadedFile("q.csv", content, content_type="text/csv")},
    )

    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_a_300_character_username_at_login_is_a_message(client, purwakarta):
    response = client.post(reverse("accounts:login"), {"username": "a" * 300, "password": "x"})

    assert response.status_code == 200


def test_a_funding_source_in_use_cannot_be_deleted(client, official, agent, campaign):
    source = FundingSource.objects.create(campaign=campaign, kind="csr", name="CSR PT Taekwang", workers=300)
    enrollment = enroll(campaign, agent)
    Enrollment.objects.filter(pk=enrollment.pk).update(funding_source=source)
    client.force_login(official)
    page = client.get(reverse("campaigns:campaign_edit", args=[campaign.slug])).context
    data = {
        **{name: page["form"][name].value() or "" for name in page["form"].fields},
        "organizer": "32.14",
        "covers_jkk": "on",
        "covers_jkm": "on",
        "funding-TOTAL_FORMS": "1",
        "funding-INITIAL_FORMS": "1",
        "funding-0-id": source.pk,
        "funding-0-name": source.name,
        "funding-0-kind": "csr",
        "funding-0-workers": "300",
        "funding-0-DELETE": "on",
        "rates-TOTAL_FORMS": "0",
        "rates-INITIAL_FORMS": "0",
    }
    data = {k: v for k, v in data.items() if v is not False}

    response = client.post(reverse("campaigns:campaign_edit", args=[campaign.slug]), data)

    assert response.status_code == 200
    assert "CSR PT Taekwang membiayai pekerja yang terdaftar" in response.content.decode()
    assert FundingSource.objects.filter(pk=source.pk).exists()


def test_a_huge_formset_count_is_capped(client, official, campaign):
    client.force_login(official)

    response = client.post(
        reverse("campaigns:campaign_edit", args=[campaign.slug]),
        {
            "name": "x",
            "funding-TOTAL_FORMS": "2147483648",
            "funding-INITIAL_FORMS": "0",
            "rates-TOTAL_FORMS": "2147483648",
            "rates-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert len(response.content) < 500_000


def test_a_file_with_more_lines_than_villages_is_refused(client, official, campaign):
    client.force_login(official)
    content = b"1\n" * 200_001  # small in bytes, absurd in lines

    response = client.post(
        reverse("campaigns:quota_upload", args=[campaign.slug]),
        {"file": SimpleUploadedFile("q.csv", content, content_type="text/csv")},
    )

    assert "lebih dari 100.000 baris" in str(response.context["form"].errors["file"])
