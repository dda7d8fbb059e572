"""An import never saves what its dry run did not promise, and never a number Excel mangled."""

import io
import zipfile

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from enrollment.models import Enrollment
from imports import services
from imports.checks import check_rows
from imports.models import ImportBatch
from imports.reading import ImportFileError, read_table, spreadsheet_size
from tests.factories import TODAY, nik_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _checked(campaign, user, data: bytes, name="musdes.csv") -> ImportBatch:
    batch = services.import_upload(kind="signups", campaign=campaign, data=data, file_name=name, by=user)
    return services.import_check(batch)


def test_a_nik_excel_stored_as_a_number_is_an_error_and_never_saved(campaign, official):
    header = ["nik", "nama", "kode_desa", "pekerjaan", "no_kk", "no_hp"]
    data = _xlsx(
        [
            header,
            [int(nik_for(1)), "Asep", "32.14.16.2005", "petani", "", ""],  # Excel kept 15 digits of it
            [nik_for(2), "Budi", "32.14.16.2005", "petani", 3214160101080001, ""],  # the KK as a number
            [nik_for(3), "Cucu", "32.14.16.2005", "petani", "3214160101080001", 81234567890],  # 0 lost
            [nik_for(4), "Dedi", "32.14.16.2005", "petani", "", "8.12346E+10"],  # digits lost
        ]
    )
    batch = _checked(campaign, official, data, "musdes.xlsx")

    assert batch.valid == 1
    problems = {(row, column): message for row, column, message in batch.problems}
    assert "Excel menyimpan NIK ini sebagai angka" in problems[(2, "nik")]
    assert "Format kolom NIK sebagai Teks" in problems[(2, "nik")]
    assert "Excel menyimpan KK ini sebagai angka" in problems[(3, "kk_number")]
    assert "Excel menyimpan Nomor HP ini sebagai angka" in problems[(5, "phone")]
    services.import_commit(batch, by=official)
    assert list(Enrollment.objects.values_list("worker__nik", "kk_number", "phone")) == [
        (nik_for(3), "3214160101080001", "+6281234567890")  # the phone's leading 0 put back
    ]


def test_other_occupation_without_its_name_is_a_problem_of_the_dry_run_not_a_crash(campaign, official):
    data = (
        "nik;nama;kode_desa;pekerjaan;pekerjaan_lainnya\n"
        f"{nik_for(1)};Asep;32.14.16.2005;Lainnya;\n"
        f"{nik_for(2)};Budi;32.14.16.2005;Lainnya;Pawang hujan\n"
    ).encode()
    batch = _checked(campaign, official, data)

    assert [(row, column) for row, column, _message in batch.problems] == [(2, "occupation_other")]
    services.import_commit(batch, by=official)
    batch.refresh_from_db()
    assert batch.state == "done"
    assert Enrollment.objects.get().occupation_label == "Pawang hujan"


def test_the_same_import_saved_twice_is_saved_once_and_the_second_is_told(client, campaign, agent):
    data = ("nik;nama;kode_desa;pekerjaan\n" + f"{nik_for(1)};Asep;32.14.16.2005;petani\n").encode()
    batch = _checked(campaign, agent, data)
    stale = ImportBatch.objects.get(pk=batch.pk)  # as a second job would hold it, queued before the first ran
    client.force_login(agent)

    first = client.post(reverse("imports:commit", args=[batch.pk]), follow=True)
    second = client.post(reverse("imports:commit", args=[batch.pk]), follow=True)

    assert "Tersimpan." in first.content.decode()
    assert "Impor ini sudah disimpan." in second.content.decode()
    batch.refresh_from_db()
    assert (batch.state, batch.enrolled, Enrollment.objects.count()) == ("done", 1, 1)
    with pytest.raises(services.AlreadySaved):
        services.import_commit(stale, by=agent)
    batch.refresh_from_db()
    assert batch.state == "done" and batch.enrollments.count() == 1  # still undoable


def test_a_campaign_closed_after_the_check_gives_a_message_not_an_error_page(client, campaign, agent):
    data = ("nik;nama;kode_desa;pekerjaan\n" + f"{nik_for(1)};Asep;32.14.16.2005;petani\n").encode()
    batch = _checked(campaign, agent, data)
    campaign.status = campaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    client.force_login(agent)

    response = client.post(reverse("imports:commit", args=[batch.pk]), follow=True)

    assert response.status_code == 200
    batch.refresh_from_db()
    assert (
        batch.state == "failed"
        and batch.error == "Baris 2: Kampanye tidak aktif: pendaftaran tidak dapat diinput."
    )
    assert Enrollment.objects.count() == 0


def test_the_sex_column_is_read_and_checked_against_the_nik(campaign, official):
    data = (
        "NIK;Nama;Kode Desa;Pekerjaan;L/P;Kolom Aneh\n"
        f"{nik_for(1)};Asep;32.14.16.2005;petani;P;x\n"  # the NIK says a man
        f"{nik_for(2)};Budi;32.14.16.2005;petani;L;y\n"
    ).encode()
    table = read_table(data)
    result = check_rows(table, campaign=campaign, user=official, today=TODAY)

    assert [(p.row, p.column, p.message) for p in result.problems] == [(2, "sex", "tidak cocok dengan NIK")]
    assert "Kolom ini tidak dibaca: “Kolom Aneh”." in table.warnings


def test_a_spreadsheet_that_unpacks_to_a_million_rows_is_refused_before_it_is_parsed():
    # An ODS whose one row is repeated a million times: 1 KB on disk.
    content = (
        '<?xml version="1.0"?><office:document-content><office:body><office:spreadsheet><table:table>'
        "<table:table-row><table:table-cell><text:p>nik</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell office:value-type="string">'
        "<text:p>3214161508950001</text:p></table:table-cell></table:table-row>"
        "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    assert spreadsheet_size(out.getvalue()).rows == 1_000_001

    with pytest.raises(ImportFileError, match=r"lebih dari 200\.000 baris"):
        read_table(out.getvalue(), "bom.ods")


def test_an_xlsx_declaring_a_million_rows_is_refused():
    book = Workbook()
    book.active["A1"] = "nik"
    book.active["A1000000"] = "x"
    out = io.BytesIO()
    book.save(out)

    with pytest.raises(ImportFileError, match=r"lebih dari 200\.000 baris"):
        read_table(out.getvalue(), "besar.xlsx")


# Every field's edge values: what a village meeting's sheet really holds, and what breaks columns.
NIKS = st.sampled_from(
    [nik_for(1), nik_for(2), "3214165508950003", "1234", "", "3214161508950001 ", "32.14.16"]
)
OCCUPATIONS = st.sampled_from(["petani", "Lainnya", "other", "", "astronot", "PETANI", "Tukang ojek"])
TEXT = st.one_of(
    st.sampled_from(["", " ", "x" * 101, "x" * 151, "x" * 251, "Pawang hujan", "=1+1", "\t"]),
    st.text(max_size=20),
)
KKS = st.sampled_from(["", "3214160101080001", "3214 1601 0108 0001", "123", "x" * 20, "32141601010800019"])
PHONES = st.sampled_from(["", "0812 3456 7890", "+6281234567890", "12", "0" * 30, "+62 812-3456-7890"])
INCOMES = st.sampled_from(["", "0", "1500000", "Rp 1.500.000", "9" * 30, "-5", "banyak"])
VILLAGES = st.sampled_from(["32.14.16.2005", "32.14.16.2006", "32.15.01.1001", "", "99"])
SEXES = st.sampled_from(["", "L", "P", "x"])
HEIRS = st.sampled_from(
    [("", ""), ("Euis", "istri"), ("", "anak"), ("Euis", "tetangga"), ("x" * 200, "anak")]
)
ROW = st.tuples(NIKS, TEXT, VILLAGES, OCCUPATIONS, TEXT, KKS, PHONES, INCOMES, SEXES, TEXT, HEIRS)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(ROW, min_size=1, max_size=6))
def test_any_row_the_dry_run_accepts_commits(campaign, official, rows):
    header = "nik;nama;kode_desa;pekerjaan;pekerjaan_lainnya;no_kk;no_hp;penghasilan;jk;alamat;ahli_waris;hubungan\n"
    lines = [
        ";".join(
            cell.replace(";", ",").replace("\n", " ").replace("\r", " ").replace('"', "")
            for cell in (nik, name, village, job, other, kk, phone, income, sex, address, *heir)
        )
        for nik, name, village, job, other, kk, phone, income, sex, address, heir in rows
    ]
    with transaction.atomic():  # each example on the same database as the last, then rolled back
        batch = _checked(campaign, official, (header + "\n".join(lines)).encode())
        if batch.state == "checked" and batch.valid:
            services.import_commit(batch, by=official)  # raises on a refusal the dry run did not foresee
            batch.refresh_from_db()
            assert batch.state == "done", batch.error
            assert Enrollment.objects.count() == batch.enrolled + batch.reserved == batch.valid
        transaction.set_rollback(True)
