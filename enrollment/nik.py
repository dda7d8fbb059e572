"""Structural NIK checks (DOMAIN.md): 16 digits, PP KK CC DDMMYY SSSS, women's day + 40.

Nothing here checks a NIK against the civil registry (Dukcapil), and nothing claims to.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, replace
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from lokal import parse_nik

MALE, FEMALE = "L", "P"  # laki-laki, perempuan: the letters on the KTP


@dataclass(frozen=True)
class NikCheck:
    nik: str | None = None
    birth_date: dt.date | None = None
    sex: str | None = None
    district_code: str | None = None
    errors: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.errors

    def identity(self) -> tuple[str, dt.date, str]:
        """The NIK, birth date and sex of a valid NIK (for the code that has just checked it is)."""
        assert self.nik and self.birth_date and self.sex, "identity() of an invalid NIK"
        return self.nik, self.birth_date, self.sex


_ERRORS = {
    "format": lambda info: _("A NIK has exactly 16 digits."),
    "province": lambda info: (
        _("The NIK starts with %(code)s, which is not a province code.") % {"code": info.province_code}
    ),
    "wilayah": lambda info: _("The regency and district codes in a NIK cannot be 00."),
    "birth_date": lambda info: _("The birth date in the NIK (digits 7 to 12) is not a real date."),
    "serial": lambda info: _("The last four digits of a NIK cannot be 0000."),
}


_SEPARATORS = str.maketrans("", "", " .-\t")


def nik_digits(raw: str) -> str:
    """A NIK or KK number as people type it (3214 1612 0585 0008, 32.14.16.120585.0009), separators removed.

    Only spaces, dots and dashes go: anything else stays, so that the 16-digit check can refuse it.
    """
    return (raw or "").translate(_SEPARATORS)


def check_nik(raw: str, *, today: dt.date | None = None) -> NikCheck:
    check, issues = _parse(nik_digits(raw), today or timezone.localdate())
    if not issues:
        return check
    # Said in the language of the moment, so not cached: a valid NIK asks for no language at all
    # (asking is a lock shared by every thread, which the import's two threads queued on: issue 25).
    return replace(
        check,
        errors=tuple(_ERRORS[code](info) if code in _ERRORS else message for code, message, info in issues),
    )


@functools.lru_cache(maxsize=16384)
def _parse(digits: str, today: dt.date) -> tuple[NikCheck, tuple[tuple[str, str, Any], ...]]:
    """A NIK is checked several times on its way in (the form's field and its clean, an import's dry
    run, its commit and the bulk register): lokal's parse is 20 µs, a cached answer 1. Keyed by the
    day (the century of a two-digit year); the answer is frozen, its problems still to be said.
    16,384 answers (some 8 MB): an import's writer finds every NIK its checker read a few chunks
    before, where 8,192 kept one in six (bench/import_commit.py)."""
    info = parse_nik(digits, reference_date=today)
    born = None
    if info.birth_date:
        born = dt.date.fromisoformat(info.birth_date)
        if born > today:
            # Two-digit years resolve against today; a birth date still to come is a century earlier.
            born = born.replace(year=born.year - 100)
    check = NikCheck(nik=info.nik, birth_date=born, sex=info.gender, district_code=info.district_code)
    return check, tuple((issue.code, issue.message, info) for issue in info.errors)


def age_on(birth_date: dt.date, day: dt.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def mask_kpj(kpj: str) -> str:
    """25*******001: a membership number is a JMO login (the branch treats it as a credential), so only
    enough of it shows to tell two apart."""
    return f"{kpj[:2]}{'*' * (len(kpj) - 5)}{kpj[-3:]}" if kpj and len(kpj) > 6 else "*" * len(kpj or "")


def mask_nik(nik: str) -> str:
    """3214********0001: region and serial stay readable, the birth date does not."""
    return f"{nik[:4]}{'*' * 8}{nik[12:]}" if nik and len(nik) == 16 else nik
