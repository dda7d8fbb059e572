"""Where the money went: committed against the budget, per funding source and region, equal to
direct counts; the progress table and the realisation workbook as files."""

import csv
import io

import pytest
from django.db.models import Count
from django.urls import reverse
from openpyxl import load_workbook

from campaigns.models import FundingSource
from dashboards import summary
from enrollment.models import Enrollment
from enrollment.services import enrollment_activate, enrollment_cancel, enrollment_register
from regions.models import Region
from reports.models import ExportLog
from tests.factories import SIGNED_IN, TODAY, declaration, nik_for, quota

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(campaign, official, agent):
    """PT Taekwang pledges 3 workers (Rp 604,800); the regency pays for others. In Tanjungsari 2 are
    on Taekwang (one active), 1 on the regency, 1 cancelled on Taekwang; in Salammulya 1 on Taekwang and
    1 naming no source: 5 holding a slot."""
    csr = FundingSource.objects.create(
        campaign=campaign, name="CSR PT Taekwang", kind="csr", workers=3, amount=604_800
    )
    apbd = FundingSource.objects.create(campaign=campaign, name="APBD Purwakarta", kind="apbd_regency")
    plan = [("32.14.16.2005", csr), ("32.14.16.2005", csr), ("32.14.16.2005", apbd), ("32.14.16.2005", csr),
            ("32.14.16.2006", csr), ("32.14.16.2006", None)]  # fmt: skip
    made = [
        enrollment_register(
            campaign=campaign,
            village=Region.objects.get(code=code),
            nik=nik_for(n),
            declaration=declaration(),
            heirs=[None, None],
            funding_source=source,
            entered_by=official,
        )
        for n, (code, source) in enumerate(plan, start=1)
    ]
    enrollment_activate(enrollment=made[0], by=official, kpj_number="25010000001", coverage_starts=TODAY)
    enrollment_cancel(enrollment=made[3], by=official, reason="pindah")
    summary.refresh(campaign)
    return csr, apbd


def test_funding_source_usage_equals_a_direct_count(client, official, campaign, funded):
    client.force_login(official)
    response = client.get(reverse("dashboards:campaign_money", args=[campaign.slug]))
    rows = {row.name: row for row in response.context["funding"]}
    direct = dict(
        Enrollment.objects.filter(campaign=campaign, status__in=Enrollment.SLOT_HOLDING)
        .values_list("funding_source__name")
        .annotate(n=Count("pk"))
    )
    assert rows["CSR PT Taekwang"].enrolled == direct["CSR PT Taekwang"] == 3
    assert rows["APBD Purwakarta"].enrolled == direct["APBD Purwakarta"] == 1
    assert rows["Tanpa sumber dana"].enrolled == direct[None] == 1
    assert (rows["CSR PT Taekwang"].pledged, rows["CSR PT Taekwang"].left) == (3, 0)
    cost = campaign.contribution_per_month * campaign.coverage_months
    assert response.context["committed"] == 5 * cost
    page = response.content.decode()
    assert "CSR PT Taekwang" in page and f"Rp{5 * cost:,}".replace(",", ".") in page


def test_a_village_counts_its_own_sources_live(client, official, campaign, funded):
    client.force_login(official)
    response = client.get(reverse("dashboards:campaign_region_money", args=[campaign.slug, "32.14.16.2006"]))
    rows = {row.name: row.in_area for row in response.context["funding"]}
    assert rows == {"CSR PT Taekwang": 1, "APBD Purwakarta": 0, "Tanpa sumber dana": 1}


def test_agents_do_not_see_the_money(client, agent, campaign, funded):
    client.force_login(agent)
    assert client.get(reverse("dashboards:campaign_money", args=[campaign.slug])).status_code == 403


def test_the_money_page_costs_a_fixed_number_of_queries(
    client, official, campaign, funded, django_assert_num_queries
):
    url = reverse("dashboards:campaign_money", args=[campaign.slug])
    client.force_login(official)
    client.get(url)
    with django_assert_num_queries(SIGNED_IN + 10):  # with the campaign's rate schedule
        client.get(url)


def test_the_progress_table_downloads_with_the_dashboards_rows(client, official, campaign, funded):
    quota(campaign, "32.14.01.1001", target=50)
    client.force_login(official)
    response = client.get(reverse("dashboards:progress_export", args=[campaign.slug]), {"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    dashboard = client.get(reverse("dashboards:campaign_dashboard", args=[campaign.slug])).context["rows"]
    assert {(r["Kode"], int(r["Terisi"]), int(r["Target"])) for r in rows} == {
        (row.code, row.filled, row.target) for row in dashboard
    }
    log = ExportLog.objects.get()
    assert (log.kind, log.file_format, log.row_count) == ("progress", "csv", len(rows))


def test_the_progress_table_downloads_one_row_per_village(client, official, campaign, funded):
    client.force_login(official)
    response = client.get(reverse("dashboards:progress_export", args=[campaign.slug]), {"level": "village"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [(row[0], row[5]) for row in values] == [("32.14.16.2005", 3), ("32.14.16.2006", 2)]
    assert isinstance(values[0][5], int)


def test_the_realisation_workbook(client, official, campaign, funded):
    client.force_login(official)
    response = client.get(reverse("dashboards:realisation_export", args=[campaign.slug]))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["Ringkasan", "Sumber dana", "Per bulan", "Per wilayah"]
    summary_rows = dict(row for row in book["Ringkasan"].iter_rows(min_row=4, values_only=True))
    cost = campaign.contribution_per_month * campaign.coverage_months
    assert summary_rows["Terikat: terdaftar x iuran x bulan (Rp)"] == 5 * cost
    assert summary_rows["Aktif"] == 1
    months = list(book["Per bulan"].iter_rows(min_row=4, values_only=True))
    assert len(months) == campaign.coverage_months + 1  # one active worker's 12 months, then those waiting
    assert months[0][1:] == (1, campaign.contribution_per_month)
    assert months[-1] == ("Belum aktif", 4, 4 * cost)
    assert ExportLog.objects.get().kind == "realisation"


def test_the_month_sheet_charges_the_rate_in_force_each_month(client, official, campaign, funded):
    from campaigns.models import ContributionRate, month_of
    from enrollment.models import add_months

    start = month_of(TODAY)
    ContributionRate.objects.create(
        campaign=campaign, starts_on=add_months(start, 3), funding_kind="csr", amount=8_400
    )
    client.force_login(official)
    response = client.get(reverse("dashboards:realisation_export", args=[campaign.slug]))
    months = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content)))["Per bulan"].iter_rows(
            min_row=4, values_only=True
        )
    )
    # The one active worker is paid by PT Taekwang (CSR): full rate for 3 months, then the discount.
    assert [row[2] for row in months[:12]] == [16_800] * 3 + [8_400] * 9


def test_committed_uses_each_funding_kinds_rates(client, official, campaign, funded):
    from campaigns.models import ContributionRate, month_of

    first = month_of(campaign.starts_on)
    ContributionRate.objects.create(campaign=campaign, starts_on=first, funding_kind="csr", amount=8_400)
    client.force_login(official)
    response = client.get(reverse("dashboards:campaign_money", args=[campaign.slug]))
    months = campaign.coverage_months
    # PT Taekwang's 3 workers at the discount, the other 2 at the campaign's Rp 16.800
    assert response.context["committed"] == 3 * 8_400 * months + 2 * 16_800 * months
