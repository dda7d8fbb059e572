"""The dry run: every row checked as the entry form checks it, with bulk lookups, nothing saved."""

import pytest
from django.utils import translation

from enrollment.models import Enrollment
from imports.checks import check_rows, occupations
from imports.reading import ImportFileError, read_table
from tests.factories import TODAY, enroll, nik_for, quota

pytestmark = pytest.mark.django_db

HEADER = "nik;nama;kode_desa;pekerjaan;tanggal_lahir;jenis_kelamin;no_hp;penghasilan\n"


@pytest.fixture(autouse=True)
def indonesian():
    with translation.override("id"):
        yield


def _problems(result):
    return {(p.row, p.column): p.message for p in result.problems}


def test_each_rule_is_checked_per_row_and_column(campaign, official, agent):
    quota(campaign, "32.15.01.1001")  # Karawang: in the campaign, outside the official's regency
    enroll(campaign, agent, 7)
    rows = [
        f"{nik_for(1)};Asep;32.14.16.2005;Petani;15/08/1995;L;0812 3456 7890;Rp 1.500.000",  # 2: valid
        f"{nik_for(2)};Budi;32.14.16.2005;tukang ojek / ojek online;;;;",  # 3: valid, English/Indonesian name
        f"{nik_for(1)};Asep lagi;32.14.16.2006;petani;;;;",  # 4: the same NIK as row 2
        f"{nik_for(7)};Cucu;32.14.16.2005;petani;;;;",  # 5: already in the campaign
        f"{nik_for(3)};Dedi;32.15.01.1001;petani;;;;",  # 6: a village outside the official's area
        f"{nik_for(4)};Euis;32.14.16.2005;astronot;16/08/1995;P;12345;banyak",  # 7: four problems
        "1234;;32.14.16.2005;petani;;;;",  # 8: a bad NIK and no name
    ]
    result = check_rows(
        read_table((HEADER + "\n".join(rows)).encode()), campaign=campaign, user=official, today=TODAY
    )
    assert [number for number, _ in result.valid] == [2, 3]
    assert result.valid[1][1]["occupation"] == "ojek"
    assert (
        result.valid[0][1]["phone"] == "+6281234567890" and result.valid[0][1]["monthly_income"] == 1_500_000
    )
    problems = _problems(result)
    assert problems[(4, "nik")] == "NIK yang sama ada di baris 2"
    assert problems[(5, "nik")] == "sudah terdaftar di kampanye ini"
    assert problems[(6, "village_code")] == "bukan desa kampanye ini di wilayah Anda"
    assert {column for row, column in problems if row == 7} == {
        "occupation",
        "birth_date",
        "sex",
        "phone",
        "monthly_income",
    }
    assert {column for row, column in problems if row == 8} == {"nik", "full_name"}
    assert Enrollment.objects.count() == 1  # a dry run saves nothing


def test_a_worker_on_the_reserve_list_is_already_in_the_campaign(campaign, official, agent):
    """The reserve list counts as in the campaign (EnrollmentQuerySet.open_in): the dry run says so,
    rather than accepting a row that the commit would then refuse."""
    Enrollment.objects.filter(pk=enroll(campaign, agent, 7).pk).update(status="reserve")
    result = check_rows(
        read_table((HEADER + f"{nik_for(7)};Cucu;32.14.16.2005;petani;;;;").encode()),
        campaign=campaign,
        user=official,
        today=TODAY,
    )
    assert result.valid == [] and _problems(result) == {(2, "nik"): "sudah terdaftar di kampanye ini"}


def test_missing_required_columns_are_named(campaign, official):
    with pytest.raises(ImportFileError, match="Kolom wajib tidak ada: NIK, Kode desa"):
        check_rows(
            read_table(b"nama;pekerjaan\nAsep;petani\n"), campaign=campaign, user=official, today=TODAY
        )


def test_the_lookups_do_not_grow_with_the_rows(campaign, official, django_assert_max_num_queries):
    rows = "\n".join(f"{nik_for(n)};Pekerja {n};32.14.16.2005;petani;;;;" for n in range(1, 201))
    table = read_table((HEADER + rows).encode())
    with django_assert_max_num_queries(
        5
    ):  # regions, quotas, NIKs in the campaign, covered, the villages' workers
        result = check_rows(table, campaign=campaign, user=official, today=TODAY)
    assert len(result.valid) == 200


def test_occupations_are_known_by_code_and_by_their_names():
    named = occupations()
    assert named["petani"] == named["farmer"] == named["farmer (petani)"] == "petani"
    assert named["guru ngaji"] == "guru_ngaji"
