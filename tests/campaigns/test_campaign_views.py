import pytest
from django.urls import reverse

from campaigns.models import Campaign
from regions.models import Region
from tests.factories import SIGNED_IN, AgentFactory, CampaignFactory, campaign_data, quota

pytestmark = pytest.mark.django_db


def test_an_official_creates_a_draft_campaign_with_the_domain_defaults(client, official):
    client.force_login(official)

    response = client.post(reverse("campaigns:campaign_create"), campaign_data())

    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert campaign.slug == "1-desa-100-perlindungan-2026-purwakarta"
    assert (campaign.status, campaign.created_by) == (Campaign.Status.DRAFT, official)
    assert (campaign.contribution_per_month, campaign.min_age, campaign.max_age) == (16_800, 15, 65)
    assert campaign.programs == ["JKK", "JKM"]


def test_the_new_campaign_form_offers_the_defaults(client, official):
    client.force_login(official)

    form = client.get(reverse("campaigns:campaign_create")).context["form"]

    assert (form["contribution_per_month"].value(), form["min_age"].value(), form["max_age"].value()) == (
        16800,
        15,
        65,
    )


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"organizer": "32.15"}, "organizer"),
        ({"organizer": "32.14.16"}, "organizer"),
        ({"ends_on": "2025-12-31"}, "ends_on"),
        ({"min_age": "70"}, "max_age"),
        ({"coverage_months": "13"}, "coverage_months"),
        ({"covers_jkk": "", "covers_jkm": ""}, "__all__"),
    ],
)
def test_bad_campaign_settings_are_refused(client, official, overrides, field):
    client.force_login(official)

    response = client.post(reverse("campaigns:campaign_create"), campaign_data(**overrides))

    assert field in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_a_regency_official_cannot_see_a_campaign_of_another_province(client, official, sijunjung_campaign):
    client.force_login(official)

    assert client.get(reverse("campaigns:campaign_detail", args=[sijunjung_campaign.slug])).status_code == 404
    assert client.get(reverse("campaigns:quota_list", args=[sijunjung_campaign.slug])).status_code == 404
    assert sijunjung_campaign not in client.get(reverse("campaigns:campaign_list")).context["page"]


def test_a_regency_official_sees_the_province_campaign_with_only_their_quotas(
    client, official, jabar_campaign
):
    client.force_login(official)

    detail = client.get(reverse("campaigns:campaign_detail", args=[jabar_campaign.slug]))
    table = client.get(reverse("campaigns:quota_list", args=[jabar_campaign.slug]))

    assert detail.status_code == 200
    assert (detail.context["totals"].villages, detail.context["totals"].filled) == (2, 63)
    assert [q.village.code for q in table.context["page"]] == ["32.14.16.2005", "32.14.16.2006"]


@pytest.mark.parametrize("name", ["campaign_edit", "campaign_activate", "campaign_close"])
def test_a_regency_official_cannot_change_the_province_campaigns_settings(
    client, official, jabar_campaign, name
):
    client.force_login(official)

    assert client.get(reverse(f"campaigns:{name}", args=[jabar_campaign.slug])).status_code == 403
    assert client.post(reverse(f"campaigns:{name}", args=[jabar_campaign.slug])).status_code == 403
    jabar_campaign.refresh_from_db()
    assert jabar_campaign.status == Campaign.Status.DRAFT


def test_a_regency_official_edits_a_quota_in_their_area_of_the_province_campaign(
    client, official, jabar_campaign
):
    client.force_login(official)
    tanjungsari = jabar_campaign.quotas.get(village__code="32.14.16.2005")

    response = client.post(
        reverse("campaigns:quota_edit", args=[jabar_campaign.slug, tanjungsari.pk]),
        {"target": "120", "baseline": "52"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="quota-{tanjungsari.pk}">')  # the row alone, for htmx to swap
    assert '<td class="text-end">120</td>' in html and "<input" not in html
    tanjungsari.refresh_from_db()
    assert tanjungsari.target == 120


def test_a_quota_outside_the_officials_area_is_404(client, official, jabar_campaign):
    client.force_login(official)
    karawang = jabar_campaign.quotas.get(village__code="32.15.01.1001")

    response = client.post(
        reverse("campaigns:quota_edit", args=[jabar_campaign.slug, karawang.pk]), {"target": "1"}
    )

    assert response.status_code == 404
    karawang.refresh_from_db()
    assert karawang.target == 100


def test_lowering_a_target_below_filled_in_the_table_says_why(client, official, jabar_campaign):
    client.force_login(official)
    tanjungsari = jabar_campaign.quotas.get(village__code="32.14.16.2005")

    response = client.post(
        reverse("campaigns:quota_edit", args=[jabar_campaign.slug, tanjungsari.pk]),
        {"target": "50", "baseline": "52"},
        headers={"HX-Request": "true"},
    )

    assert "Desa Tanjungsari sudah memiliki 53 peserta" in response.content.decode()
    tanjungsari.refresh_from_db()
    assert tanjungsari.target == 100


def test_activation_needs_a_quota_and_records_who_and_when(client, province_official, purwakarta):
    campaign = CampaignFactory(organizer=Region.objects.get(code="32"))
    client.force_login(province_official)

    client.post(reverse("campaigns:campaign_activate", args=[campaign.slug]))
    campaign.refresh_from_db()
    assert campaign.status == Campaign.Status.DRAFT

    quota(campaign, "32.14.16.2005")
    client.post(reverse("campaigns:campaign_activate", args=[campaign.slug]))
    campaign.refresh_from_db()
    assert (campaign.status, campaign.activated_by) == (Campaign.Status.ACTIVE, province_official)
    assert campaign.activated_at is not None


def test_closing_records_who_and_when(client, province_official, jabar_campaign):
    client.force_login(province_official)
    client.post(reverse("campaigns:campaign_activate", args=[jabar_campaign.slug]))

    response = client.post(reverse("campaigns:campaign_close", args=[jabar_campaign.slug]), follow=True)

    jabar_campaign.refresh_from_db()
    assert (jabar_campaign.status, jabar_campaign.closed_by) == (Campaign.Status.CLOSED, province_official)
    assert "Kampanye ditutup." in response.content.decode()


def test_the_organizer_edits_settings_and_funding_sources(client, province_official, jabar_campaign):
    client.force_login(province_official)
    data = campaign_data(
        name=jabar_campaign.name,
        slug=jabar_campaign.slug,
        organizer="32",
        budget="25000000000",
        **{
            "funding-TOTAL_FORMS": "1",
            "funding-INITIAL_FORMS": "0",
            "funding-0-name": "CSR PT Taekwang",
            "funding-0-kind": "csr",
            "funding-0-workers": "300",
        },
    )

    response = client.post(reverse("campaigns:campaign_edit", args=[jabar_campaign.slug]), data)

    assert response.status_code == 302
    source = jabar_campaign.funding_sources.get()
    assert (source.name, source.kind, source.workers) == ("CSR PT Taekwang", "csr", 300)


def test_the_campaign_page_warns_when_the_allocation_costs_more_than_the_budget(
    client, province_official, jabar_campaign
):
    jabar_campaign.budget = 1_000_000
    jabar_campaign.save()
    client.force_login(province_official)

    response = client.get(reverse("campaigns:campaign_detail", args=[jabar_campaign.slug]))

    # 3 villages x 100 slots x Rp 16.800 x 12 months
    assert response.context["committed"] == 60_480_000
    assert "Rp60.480.000" in response.content.decode()
    assert response.context["over_budget"]


def test_agents_see_active_campaigns_in_their_villages_but_not_drafts(client, agent, jabar_campaign):
    client.force_login(agent)
    url = reverse("campaigns:campaign_detail", args=[jabar_campaign.slug])

    assert client.get(url).status_code == 404

    jabar_campaign.status = Campaign.Status.ACTIVE
    jabar_campaign.save()
    home = client.get(reverse("home")).content.decode()
    assert client.get(url).status_code == 200
    assert "Desa Tanjungsari: 53 dari 100 terisi, 47 slot tersisa" in home


def test_agents_cannot_change_quotas(client, agent, jabar_campaign):
    jabar_campaign.status = Campaign.Status.ACTIVE
    jabar_campaign.save()
    tanjungsari = jabar_campaign.quotas.get(village__code="32.14.16.2005")
    client.force_login(agent)

    assert (
        client.post(
            reverse("campaigns:quota_edit", args=[jabar_campaign.slug, tanjungsari.pk]), {"target": 1}
        ).status_code
        == 403
    )
    assert client.post(reverse("campaigns:quota_allocate", args=[jabar_campaign.slug])).status_code == 403


def test_the_campaign_list_shows_progress_in_the_users_area(
    client, official, jabar_campaign, django_assert_num_queries
):
    for n in range(2):
        other = CampaignFactory(organizer=Region.objects.get(code="32.14"))
        quota(other, "32.14.01.1001", filled=n)
    client.force_login(official)

    # session, user, the user's regions, count, the page of campaigns, their sums in the user's area
    with django_assert_num_queries(SIGNED_IN + 4):
        response = client.get(reverse("campaigns:campaign_list"))

    campaigns = {c.slug: c for c in response.context["page"]}
    assert len(campaigns) == 3
    assert (campaigns["jabar-2025"].filled_total, campaigns["jabar-2025"].target_total) == (63, 200)
    assert "63 dari 200 terisi (32%)" in response.content.decode()


def test_the_campaign_list_filters_by_status(client, official, jabar_campaign):
    CampaignFactory(organizer=Region.objects.get(code="32.14"), status=Campaign.Status.ACTIVE, slug="aktif")
    client.force_login(official)

    response = client.get(reverse("campaigns:campaign_list"), {"status": "active"})

    assert [c.slug for c in response.context["page"]] == ["aktif"]


def test_the_quota_table_searches_filters_and_sorts(
    client, province_official, jabar_campaign, django_assert_num_queries
):
    quota(jabar_campaign, "32.14.01.1001", filled=90)
    client.force_login(province_official)
    url = reverse("campaigns:quota_list", args=[jabar_campaign.slug])

    # session, user, the user's regions, campaign, count, the page of quotas (a province has too many
    # districts for a list: its officials type a district's code in the search instead)
    with django_assert_num_queries(SIGNED_IN + 4):
        fullest = client.get(url, {"sort": "-fill"})
    by_name = client.get(url, {"q": "tanjungsari"})
    by_district = client.get(url, {"q": "32.14.16"})

    assert [q.village.code for q in fullest.context["page"]][:2] == ["32.14.01.1001", "32.14.16.2005"]
    assert [q.village.code for q in by_name.context["page"]] == ["32.14.16.2005"]
    assert [q.village.code for q in by_district.context["page"]] == ["32.14.16.2005", "32.14.16.2006"]


def test_bulk_allocation_through_the_page(client, official, purwakarta):
    campaign = CampaignFactory(organizer=Region.objects.get(code="32.14"))
    client.force_login(official)

    response = client.post(
        reverse("campaigns:quota_allocate", args=[campaign.slug]),
        {"region": "32.14", "target": "100"},
        follow=True,
    )

    assert campaign.quotas.count() == 192
    assert "192 kuota desa dibuat" in response.content.decode()


def test_bulk_allocation_refuses_a_region_outside_the_area(client, official, purwakarta):
    campaign = CampaignFactory(organizer=Region.objects.get(code="32.14"))
    client.force_login(official)

    response = client.post(
        reverse("campaigns:quota_allocate", args=[campaign.slug]), {"region": "32.15", "target": "100"}
    )

    assert "region" in response.context["form"].errors
    assert not campaign.quotas.exists()


def test_a_quota_csv_through_the_page_reports_lines_in_indonesian(client, official, jabar_campaign):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(official)
    upload = SimpleUploadedFile(
        "kuota.csv", b"32.14.16.2005,40\n32.15.01.1001,100\n", content_type="text/csv"
    )

    response = client.post(reverse("campaigns:quota_upload", args=[jabar_campaign.slug]), {"file": upload})

    html = response.content.decode()
    assert "baris 1: Desa Tanjungsari sudah memiliki 53 peserta" in html
    assert "baris 2: 32.15.01.1001 bukan desa/kelurahan di wilayah Anda" in html


def test_agents_home_page_lists_nothing_when_no_campaign_is_active(client, purwakarta):
    client.force_login(AgentFactory(regions=["32.14.16.2005"]))

    assert "Belum ada kampanye aktif" in client.get(reverse("home")).content.decode()


def test_the_inline_form_keeps_numbers_machine_readable(client, province_official, jabar_campaign):
    """19.200 is right on the page, but inside an <input type=number> or an id it must stay 19200."""
    big = quota(jabar_campaign, "32.14.01.1001", target=19_200)
    client.force_login(province_official)

    response = client.get(
        reverse("campaigns:quota_edit", args=[jabar_campaign.slug, big.pk]), headers={"HX-Request": "true"}
    )

    html = response.content.decode()
    assert 'value="19200"' in html
    assert f'id="quota-{big.pk}"' in html


def test_an_administrator_sees_every_campaign_with_all_its_quotas(client, jabar_campaign, sijunjung_campaign):
    from tests.factories import AdminFactory

    client.force_login(AdminFactory())

    response = client.get(reverse("campaigns:campaign_list"))

    totals = {c.slug: (c.filled_total, c.target_total) for c in response.context["page"]}
    assert totals == {"jabar-2025": (70, 300), "sijunjung-2023": (0, 100)}


def test_a_campaign_without_any_programme_gets_one_readable_message(client, official):
    client.force_login(official)

    response = client.post(reverse("campaigns:campaign_create"), campaign_data(covers_jkk="", covers_jkm=""))

    assert response.context["form"].errors["__all__"] == [
        "Pilih setidaknya satu program yang dibiayai kampanye."
    ]


def test_a_regency_official_filters_the_quota_table_by_district(client, official, jabar_campaign):
    client.force_login(official)
    url = reverse("campaigns:quota_list", args=[jabar_campaign.slug])

    page = client.get(url).content.decode()
    by_district = client.get(url, {"district": "32.14.16"})

    assert 'name="district"' in page and "Kec. Pondoksalam" in page
    assert [q.village.code for q in by_district.context["page"]] == ["32.14.16.2005", "32.14.16.2006"]


def test_a_regency_official_sees_what_their_area_costs_and_commits(client, official, jabar_campaign):
    """The province runs the campaign; the regency sees the cost of its own quotas and enrollments."""
    client.force_login(official)
    response = client.get(reverse("campaigns:campaign_detail", args=[jabar_campaign.slug]))
    totals = response.context["totals"]
    cost = jabar_campaign.cost_per_worker
    assert response.context["enrolled_cost"] == totals.filled * cost > 0
    page = response.content.decode()
    assert "Terikat oleh pekerja yang terdaftar" in page
    assert f"Rp{totals.filled * cost:,}".replace(",", ".") in page
    assert "Total anggaran" not in page  # the budget is the province's to show
