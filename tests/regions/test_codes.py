from hypothesis import given
from hypothesis import strategies as st

from regions.codes import ancestor_codes, is_valid_code, kind_of, level_of, parent_code

segments = st.tuples(st.integers(11, 96), st.integers(1, 99), st.integers(1, 99), st.integers(1001, 3999))


def village_code(parts) -> str:
    province, regency, district, village = parts
    return f"{province:02d}.{regency:02d}.{district:02d}.{village:04d}"


@given(segments)
def test_every_village_code_rolls_up_to_its_ancestors(parts):
    code = village_code(parts)

    assert is_valid_code(code)
    assert level_of(code) == 4
    assert ancestor_codes(code) == [code[:2], code[:5], code[:8]]
    assert parent_code(code) == code[:8]
    assert all(level_of(a) == i for i, a in enumerate(ancestor_codes(code), start=1))


@given(segments)
def test_kind_comes_from_the_code(parts):
    code = village_code(parts)

    assert kind_of(code[:5]) == ("kota" if parts[1] >= 71 else "kabupaten")
    assert kind_of(code) == {1: "kelurahan", 2: "desa", 3: "desa_adat"}[parts[3] // 1000]


def test_malformed_codes_are_not_codes():
    for bad in ["3", "32.1", "3214", "32.14.16.205", "32.14.16.20055", "32-14", "", "32.14."]:
        assert not is_valid_code(bad), bad
