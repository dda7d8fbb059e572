"""The dry run of an import: every row checked as the entry form checks it, before anything is saved.

The lookups are made once for the whole file (the campaign's villages in the uploader's reach, the
NIKs already in the campaign), never once per row.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.phones import normalize_phone
from campaigns.models import Campaign, Quota
from enrollment.models import Enrollment, Worker
from enrollment.nik import check_nik
from enrollment.services import age_problem

from .reading import ImportFileError, Table, clean_nik, parse_date

REQUIRED = ("nik", "full_name", "village_code", "occupation")
SEXES = {
    "l": Worker.Sex.MALE,
    "m": Worker.Sex.MALE,
    "laki-laki": Worker.Sex.MALE,
    "lakilaki": Worker.Sex.MALE,
    "male": Worker.Sex.MALE,
    "p": Worker.Sex.FEMALE,
    "f": Worker.Sex.FEMALE,
    "perempuan": Worker.Sex.FEMALE,
    "wanita": Worker.Sex.FEMALE,
    "female": Worker.Sex.FEMALE,
}


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class DryRun:
    """The rows that can be enrolled (their values cleaned) and the problems of the others."""

    valid: list[tuple[int, dict]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)


def occupations() -> dict[str, str]:
    """Every way an occupation may be written: its code, its Indonesian and its English name, and the
    word in brackets ("Petani" for "Farmer (petani)"), lower-case."""
    names: dict[str, str] = {}
    for code, label in Enrollment.Occupation.choices:
        names[code.replace("_", " ")] = code
        for language in ("id", "en"):
            with translation.override(language):
                text = str(label).lower()
            names[text] = code
            for part in [*re.findall(r"\(([^)]+)\)", text), re.sub(r"\s*\(.*\)", "", text)]:
                for word in part.split(" / "):
                    names.setdefault(word.strip(), code)
    return names


def check_rows(table: Table, *, campaign: Campaign, user: User, today: dt.date) -> DryRun:
    """Check every row of the table for `campaign` as `user` may enroll: NIK, age, the village in
    the campaign and in reach, duplicates in the file and in the campaign, occupation, phone, income."""
    if missing := table.missing(REQUIRED):
        raise ImportFileError(
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    records = list(table.records())
    codes = {record.get("village_code", "").strip() for _, record in records}
    quotas = {
        quota.village.code: quota
        for quota in Quota.objects.for_user(user)
        .filter(campaign=campaign, village__code__in=codes)
        .select_related("village")
    }
    niks = {clean_nik(record.get("nik", "")) for _, record in records}
    enrolled = set(
        Enrollment.objects.filter(
            campaign=campaign, worker__nik__in=niks, status__in=Enrollment.OPEN
        ).values_list("worker__nik", flat=True)
    )
    named = occupations()
    result, seen = DryRun(), {}
    for number, record in records:
        problems, values = _check_row(record, quotas, named, campaign, today)
        nik = values.get("nik")
        if nik and nik in seen:
            problems.append(("nik", _("the same NIK is on row %(row)s") % {"row": seen[nik]}))
        elif nik and nik in enrolled:
            problems.append(("nik", _("already enrolled in this campaign")))
        if nik:
            seen.setdefault(nik, number)
        if problems:
            result.problems.extend(RowProblem(number, column, message) for column, message in problems)
        else:
            result.valid.append((number, values))
    return result


def _check_row(record: dict[str, str], quotas, named, campaign: Campaign, today: dt.date):
    problems: list[tuple[str, str]] = []
    values: dict[str, object] = {"full_name": record.get("full_name", "").strip()[:150]}
    nik = clean_nik(record.get("nik", ""))
    check = check_nik(nik)
    if not check.valid:
        problems.append(("nik", "; ".join(check.errors)))
    else:
        values["nik"] = nik
    if not values["full_name"]:
        problems.append(("full_name", _("the name is empty")))
    quota = quotas.get(record.get("village_code", "").strip())
    if quota is None:
        problems.append(("village_code", _("not a village of this campaign in your area")))
    values["quota"] = quota
    occupation = named.get(record.get("occupation", "").strip().lower())
    if occupation is None:
        problems.append(("occupation", _("not an occupation on the list")))
    values["occupation"] = occupation
    if check.valid:
        problems += _identity_problems(record, check, campaign, today)
    if phone := record.get("phone", "").strip():
        values["phone"] = normalize_phone(phone)
        if values["phone"] is None:
            problems.append(("phone", _("not an Indonesian mobile number")))
    income = re.sub(r"[^\d]", "", record.get("monthly_income", "").split(",")[0])
    if record.get("monthly_income", "").strip() and not income:
        problems.append(("monthly_income", _("not an amount in rupiah")))
    values["monthly_income"] = int(income[:12]) if income else 0
    values["address"] = record.get("address", "").strip()[:250]
    return problems, values


def _identity_problems(
    record: dict[str, str], check, campaign: Campaign, today: dt.date
) -> list[tuple[str, str]]:
    """Birth date and sex come from the NIK; written in the file, they must agree with it."""
    problems = []
    if written := record.get("birth_date", "").strip():
        born = parse_date(written)
        if born is None:
            problems.append(("birth_date", _("not a date (write 15/08/1995)")))
        elif born != check.birth_date:
            problems.append(("birth_date", _("does not match the NIK")))
    if written := record.get("sex", "").strip().lower():
        sex = SEXES.get(written)
        if sex is None:
            problems.append(("sex", _("write L or P")))
        elif sex != check.sex:
            problems.append(("sex", _("does not match the NIK")))
    if problem := age_problem(campaign, check.birth_date, today):
        problems.append(("birth_date", problem))
    return problems
