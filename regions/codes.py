"""Kemendagri region codes: PP.KK.CC.XDDD, fixed width per level (2, 5, 8, 13 characters).

Because the width is fixed, every descendant of a region is `code LIKE '<code>.%'` and rolling up to
a level is `Left(code, n)`; nothing here needs the database.
"""

import re

CODE_RE = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")
# The one home of level <-> code width (Region.Level: 1 province ... 4 village).
LENGTH_BY_LEVEL = {1: 2, 2: 5, 3: 8, 4: 13}


def is_valid_code(code: str) -> bool:
    return bool(CODE_RE.match(code))


def level_of(code: str) -> int:
    return code.count(".") + 1


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestor_codes(code: str) -> list[str]:
    """Codes of every region above `code`, nearest last: 32.14.16 -> [32, 32.14]."""
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def kind_of(code: str) -> str:
    """The kind of region, read from the code alone (DOMAIN.md).

    Regencies 01-69 are kabupaten and 71-99 kota; a village's last segment starts with
    1 for kelurahan, 2 for desa (nagari and gampong too) and 3 for desa adat.
    """
    level = level_of(code)
    if level == 1:
        return "province"
    if level == 2:
        return "kota" if int(code[3:5]) >= 71 else "kabupaten"
    if level == 3:
        return "kecamatan"
    return {"1": "kelurahan", "3": "desa_adat"}.get(code[9], "desa")
