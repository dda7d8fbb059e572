"""The registration file for the BPJS branch, in a layout saved per branch, and its reply reconciled."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from enrollment.models import Enrollment
from enrollment.services import enrollment_verify
from imports import reconcile, services
from regions.models import Region
from reports.models import BranchLayout, ExportLog
from tests.factories import TODAY, OfficialFactory, enroll, nik_for

pytestmark = pytest.mark.django_db


def _layout_form(**overrides) -> dict:
    data = {
        "name": "BPJS Ketenagakerjaan Cabang Purwakarta", "region": "32.14", "date_format": "%d-%m-%Y",
        "grouped_numbers": "on", "file_format": "csv",
        "column-TOTAL_FORMS": "4", "column-INITIAL_FORMS": "0",
        "column-0-field": "name", "column-0-header": "NAMA PESERTA",
        "column-1-field": "nik", "column-1-header": "NO KTP",
        "column-2-field": "birth_date", "column-2-header": "TGL_LHR",
        "column-3-field": "income", "column-3-header": "UPAH",
    }  # fmt: skip
    return {**data, **overrides}


@pytest.fixture
def verified(campaign, official):
    people = [enroll(campaign, official, n, full_name=f"Pekerja {n}") for n in (1, 2, 3)]
    for enrollment in people[:2]:
        enrollment_verify(enrollment=enrollment, by=official)
    return people  # 1 and 2 verified, 3 only registered


def test_an_official_saves_a_branch_layout_with_its_columns_in_order(client, official):
    client.force_login(official)
    page = client.get(reverse("reports:branch_layout_new")).content.decode()
    assert "NAMA LENGKAP" in page  # a new layout starts from the usual BPU columns
    response = client.post(reverse("reports:branch_layout_new"), _layout_form())
    assert response.status_code == 302
    layout = BranchLayout.objects.get()
    assert layout.columns == [
        ["name", "NAMA PESERTA"],
        ["nik", "NO KTP"],
        ["birth_date", "TGL_LHR"],
        ["income", "UPAH"],
    ]
    assert (layout.region.code, layout.saved_by) == ("32.14", official)


def test_the_file_has_the_verified_workers_in_the_branchs_layout_and_is_logged(
    client, official, campaign, verified
):
    client.force_login(official)
    client.post(reverse("reports:branch_layout_new"), _layout_form())
    layout = BranchLayout.objects.get()
    response = client.post(
        reverse("reports:branch_file"),
        {"campaign": campaign.pk, "layout": layout.pk, "region": "", "purpose": "Pendaftaran ke BPJS"},
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["NAMA PESERTA", "NO KTP", "TGL_LHR", "UPAH"]
    assert rows[1:] == [
        ["Pekerja 1", nik_for(1), "15-08-1995", "1.500.000"],
        ["Pekerja 2", nik_for(2), "15-08-1995", "1.500.000"],
    ]
    log = ExportLog.objects.get()
    assert (log.kind, log.whole_personal_data, log.purpose, log.row_count) == (
        "registration",
        True,
        "Pendaftaran ke BPJS",
        2,
    )


def test_the_branchs_reply_is_reconciled_and_activates_them(official, campaign, verified):
    with translation.override("id"):
        reply = "NIK,Nama,No KPJ\n" + "".join(f"{nik_for(n)},Pekerja {n},2501000{n}\n" for n in (1, 2))
        batch = reconcile.reconcile_check(
            services.import_upload(
                kind="branch_list",
                campaign=campaign,
                data=reply.encode(),
                file_name="balasan.csv",
                by=official,
                region=Region.objects.get(code="32.14"),
            )
        )
        reconcile.reconcile_commit(batch, by=official, coverage_starts=TODAY)
    active = Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).order_by("pk")
    assert [e.worker.kpj_number for e in active] == ["25010001", "25010002"]


def test_layouts_and_files_stay_inside_the_officials_area(
    client, official, other_official, agent, campaign, verified
):
    client.force_login(official)
    client.post(reverse("reports:branch_layout_new"), _layout_form())
    layout = BranchLayout.objects.get()
    client.force_login(agent)
    assert client.get(reverse("reports:branch_file")).status_code == 403
    assert client.get(reverse("reports:branch_layout_list")).status_code == 403
    client.force_login(other_official)
    assert client.get(reverse("reports:branch_layout_edit", args=[layout.pk])).status_code == 404
    response = client.post(
        reverse("reports:branch_file"), {"campaign": campaign.pk, "layout": layout.pk, "purpose": "x"}
    )
    assert (
        response.status_code == 200 and not ExportLog.objects.exists()
    )  # not their layout, not their campaign
    response = client.post(reverse("reports:branch_layout_new"), _layout_form(region="32.14"))
    assert response.status_code == 200 and BranchLayout.objects.count() == 1  # 32.14 is not theirs
    province = OfficialFactory(regions=["32"])
    client.force_login(province)
    assert client.get(reverse("reports:branch_layout_edit", args=[layout.pk])).status_code == 200
