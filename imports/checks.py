"""The dry run of an import: every row checked as the entry form checks it, before anything is saved.

The lookups are made once for the whole file (the campaign's villages in the uploader's reach) and once
per chunk of rows (the NIKs already in the campaign, overlapping cover), never once per row.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.phones import normalize_phone
from campaigns.models import Campaign, Quota
from enrollment import eligibility
from enrollment.models import Enrollment, Heir, Worker
from enrollment.nearby import Reason, pairs_among
from enrollment.nik import check_nik, mask_nik
from enrollment.rules import age_problem, declaration_problems

from .reading import FIELD_LABELS, ImportFileError, Table, clean_nik, parse_date

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


# The column a campaign's rule of who it is for speaks of (enrollment.eligibility): the NIK's otherwise.
RULE_COLUMN = {"occupation_rule": "occupation"}
CHUNK = 2000  # rows checked (and committed) together: a few lookups each, memory for one chunk only

# How people write an heir's relationship, beyond the choices' own names.
RELATIONSHIP_WORDS = {
    "istri": Heir.Relationship.SPOUSE,
    "suami": Heir.Relationship.SPOUSE,
    "wife": Heir.Relationship.SPOUSE,
    "husband": Heir.Relationship.SPOUSE,
    "anak": Heir.Relationship.CHILD,
    "ayah": Heir.Relationship.PARENT,
    "ibu": Heir.Relationship.PARENT,
    "bapak": Heir.Relationship.PARENT,
    "orang tua": Heir.Relationship.PARENT,
    "cucu": Heir.Relationship.GRANDCHILD,
    "kakek": Heir.Relationship.GRANDPARENT,
    "nenek": Heir.Relationship.GRANDPARENT,
    "saudara": Heir.Relationship.SIBLING,
    "kakak": Heir.Relationship.SIBLING,
    "adik": Heir.Relationship.SIBLING,
    "mertua": Heir.Relationship.IN_LAW,
    "ipar": Heir.Relationship.IN_LAW,
}


LOST_DIGITS = gettext_lazy(
    "Excel stored this %(column)s as a number and lost its last digits, so it may be someone else's. "
    "Format the %(column)s column as Text, type the numbers again, and save."
)


class MissingColumns(ImportFileError):
    """Required columns not found among the headers: the user can say which column holds what."""


@dataclass
class RowProblem:
    row: int
    column: str
    message: str


@dataclass
class DryRun:
    """The rows that can be enrolled (their values cleaned), the problems of the others, and warnings
    that do not stop a row (cover overlapping another campaign's)."""

    valid: list[tuple[int, dict]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    warnings: list[RowProblem] = field(default_factory=list)

    def extend(self, other: DryRun) -> None:
        self.valid += other.valid
        self.problems += other.problems
        self.warnings += other.warnings


def _names(choices) -> dict[str, str]:
    """Every way a choice may be written: its code, its Indonesian and its English label, and the
    parts of a label ("Petani" in "Farmer (petani)", "ojek" in "Tukang ojek / ojek online"), lower-case."""
    names: dict[str, str] = {}
    for code, label in choices:
        names[code.replace("_", " ")] = code
        for language in ("id", "en"):
            with translation.override(language):
                text = str(label).lower()
            names[text] = code
            for part in [*re.findall(r"\(([^)]+)\)", text), re.sub(r"\s*\(.*\)", "", text)]:
                for word in re.split(r" / |/", part):
                    names.setdefault(word.strip(), code)
    return names


def occupations() -> dict[str, str]:
    return _names(Enrollment.Occupation.choices)


def relationships() -> dict[str, str]:
    return {**_names(Heir.Relationship.choices), **RELATIONSHIP_WORDS}


class Checker:
    """Checks a table's rows for `campaign` as `user` may enroll them, chunk by chunk. The campaign's
    villages in the user's reach are read once; each chunk then costs two lookups (NIKs already in the
    campaign, cover overlapping another campaign), never one per row."""

    def __init__(self, table: Table, *, campaign: Campaign, user: User, today: dt.date, warn: bool = True):
        if missing := table.missing(REQUIRED):
            required = _("Required columns are missing: %(columns)s.") % {
                "columns": ", ".join(str(FIELD_LABELS[name]) for name in missing)
            }
            raise MissingColumns(" ".join([required, *table.warnings]))  # and the headers not understood
        self.table, self.campaign, self.today, self.user = table, campaign, today, user
        # The commit asks again only what refuses (the warnings were shown by the dry run): its
        # near-duplicate search compared each chunk with villages that grow as the commit writes,
        # half of the commit's time, and was thrown away (issue 25).
        self.warn = warn
        column = table.fields.index("village_code")
        codes = {cells[column].strip() for _, cells in table.rows if column < len(cells)}
        self.quotas = {
            quota.village.code: quota
            for quota in Quota.objects.for_user(user)
            .filter(campaign=campaign, village__code__in=codes)
            .select_related("village")
        }
        self.occupations, self.relationships = occupations(), relationships()
        self.sources = {}
        if "funding_source" in table.fields:
            for source in campaign.funding_sources.all():
                self.sources[source.name.strip().lower()] = source
                self.sources.setdefault(str(source.get_kind_display()).lower(), source)
        self.seen: dict[str, int] = {}
        self.done = 0  # rows checked so far

    def chunks(self) -> Iterator[DryRun]:
        records = self.table.records()
        while chunk := list(islice(records, CHUNK)):
            self.done += len(chunk)
            yield self._check(chunk)

    def _check(self, chunk: list[tuple[int, dict[str, str]]]) -> DryRun:
        checked = [(number, *self._check_row(number, record)) for number, record in chunk]
        niks = {values["nik"] for _, _, values in checked if "nik" in values}
        # The workers first, by the NIK's unique index, then their enrollments by worker: as one join,
        # PostgreSQL scanned the campaign's enrollments when its statistics were older than the
        # import's own rows (54 ms a chunk, growing, in bench/import_commit.py; issue 25).
        known = dict(Worker.objects.filter(nik__in=niks).values_list("pk", "nik"))
        enrolled = {
            known[worker_id]
            for worker_id in Enrollment.objects.open_in(self.campaign)
            .filter(worker_id__in=known)
            .order_by()
            .values_list("worker_id", flat=True)
        } if known else set()  # fmt: skip
        candidates = [
            (number, eligibility.Applicant(values["nik"], values["quota"].village, values["occupation"]))
            for number, problems, values in checked
            if not problems and values["nik"] not in enrolled
        ]
        found = dict(
            zip(
                (number for number, _applicant in candidates),
                eligibility.findings(
                    self.campaign,
                    [applicant for _number, applicant in candidates],
                    user=self.user,
                    workers={nik: worker_id for worker_id, nik in known.items() if nik},
                ),
                strict=True,
            )
        )
        result = DryRun()
        for number, problems, values in checked:
            nik = values.get("nik")
            if nik and nik in self.seen:
                problems.append(("nik", _("the same NIK is on row %(row)s") % {"row": self.seen[nik]}))
            elif nik and nik in enrolled:
                problems.append(("nik", _("already enrolled in this campaign")))
            if nik:
                self.seen.setdefault(nik, number)
            for finding in found.get(number, []):
                if finding.refuses:
                    problems.append((RULE_COLUMN.get(finding.rule, "nik"), finding.message))
            if problems:
                result.problems.extend(RowProblem(number, column, message) for column, message in problems)
                continue
            result.valid.append((number, values))
            result.warnings.extend(
                RowProblem(number, RULE_COLUMN.get(finding.rule, "nik"), finding.message)
                for finding in found.get(number, [])
                if not finding.refuses
            )
        if self.warn:
            result.warnings.extend(self._near(result.valid))
        return result

    def _near(self, valid: list[tuple[int, dict]]) -> list[RowProblem]:
        """Rows that may be a worker of their village already, or another row, under a mistyped NIK
        (enrollment.nearby's keys, village by village): one query for the chunk's villages."""
        villages: dict[int, dict[tuple, tuple[str, str, object, str]]] = defaultdict(dict)
        for number, values in valid:
            village = values["quota"].village_id
            born = check_nik(values["nik"], today=self.today).birth_date
            villages[village][(0, number)] = (
                values["nik"],
                values["full_name"],
                born,
                values.get("kk_number", ""),
            )
        names: dict[tuple, str] = {}
        for pk, village, nik, name, born, kk in (
            Enrollment.objects.filter(village__in=list(villages), erasure__isnull=True)
            .exclude(worker__nik=None)
            .exclude(worker__nik__in=[values["nik"] for _number, values in valid])  # the same worker
            .values_list(
                "worker_id", "village_id", "worker__nik", "full_name", "worker__birth_date", "kk_number"
            )
        ):
            villages[village][(1, pk)] = (nik or "", name, born, kk)
            names[(1, pk)] = f"{name} ({mask_nik(nik or '')})"
        warnings = []
        for people in villages.values():
            for (a, b), reason in pairs_among(people).items():
                if a[0] == 1:
                    continue  # two workers enrolled already: the nightly search's, not this file's
                other = names[b] if b[0] == 1 else _("row %(row)s") % {"row": b[1]}
                warnings.append(
                    RowProblem(a[1], "nik", _("may be the same person as %(other)s: %(why)s") % {
                        "other": other, "why": Reason.LABELS[reason],
                    })
                )  # fmt: skip
        return warnings

    def _check_row(self, number: int, record: dict[str, str]) -> tuple[list[tuple[str, str]], dict]:
        problems: list[tuple[str, str]] = []
        values: dict[str, object] = {"full_name": record.get("full_name", "").strip()[:150]}
        check = check_nik(clean_nik(record.get("nik", "")), today=self.today)
        if self.table.lost_digits(number, "nik"):
            problems.append(("nik", str(LOST_DIGITS) % {"column": "NIK"}))
        elif not check.valid:
            problems.append(("nik", "; ".join(check.errors)))
        else:
            values["nik"] = check.nik
            problems += _identity_problems(record, check, self.campaign, self.today)
        if not values["full_name"]:
            problems.append(("full_name", _("the name is empty")))
        values["quota"] = self.quotas.get(record.get("village_code", "").strip())
        if values["quota"] is None:
            problems.append(("village_code", _("not a village of this campaign in your area")))
        values["occupation"] = self.occupations.get(record.get("occupation", "").strip().lower())
        if values["occupation"] is None:
            problems.append(("occupation", _("not an occupation on the list")))
        if phone := record.get("phone", "").strip():
            values["phone"] = normalize_phone(phone)
            if self.table.lost_digits(number, "phone"):  # 8.12346E+10: Excel kept six digits
                problems.append(("phone", str(LOST_DIGITS) % {"column": str(FIELD_LABELS["phone"])}))
            elif values["phone"] is None:
                problems.append(("phone", _("not an Indonesian mobile number")))
        income = re.sub(r"[^\d]", "", record.get("monthly_income", "").split(",")[0])
        if record.get("monthly_income", "").strip() and not income:
            problems.append(("monthly_income", _("not an amount in rupiah")))
        values["monthly_income"] = int(income[:12]) if income else 0
        values["address"] = record.get("address", "").strip()[:250]
        values["occupation_other"] = record.get("occupation_other", "").strip()
        values["kk_number"] = clean_nik(record.get("kk_number", ""))
        if values["kk_number"] and self.table.lost_digits(number, "kk_number"):
            problems.append(("kk_number", str(LOST_DIGITS) % {"column": "KK"}))
            values["kk_number"] = ""  # said once: not again as "has 16 digits"
        if values["occupation"]:  # what the database would refuse, named by column
            problems += declaration_problems(values)
        problems += self._heir(record, values)
        if source := record.get("funding_source", "").strip():
            values["funding_source"] = self.sources.get(source.lower())
            if values["funding_source"] is None:
                problems.append(("funding_source", _("not a funding source of this campaign")))
        return problems, values

    def _heir(self, record: dict[str, str], values: dict) -> list[tuple[str, str]]:
        name = record.get("heir_name", "").strip()[:150]
        written = record.get("heir_relationship", "").strip().lower()
        if not name and not written:
            return []
        if not name:
            return [("heir_name", _("the heir's name is empty"))]
        relationship = self.relationships.get(written)
        if relationship is None:
            return [("heir_relationship", _("write spouse, child, parent, sibling… (istri, anak, ibu)"))]
        values["heir"] = {"name": name, "relationship": relationship}
        return []


def check_rows(table: Table, *, campaign: Campaign, user: User, today: dt.date) -> DryRun:
    """The whole table's dry run at once (small files, tests); large ones go chunk by chunk."""
    result = DryRun()
    for chunk in Checker(table, campaign=campaign, user=user, today=today).chunks():
        result.extend(chunk)
    return result


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
