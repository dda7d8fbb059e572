"""What uploaded CSV files share: lines read as spreadsheets save them, problems tied to their line
numbers, reported in line order."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django import forms
from django.core.validators import FileExtensionValidator
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

# Every village of Indonesia as `code,target,baseline` is about 2 MB; anything larger is a mistake.
MAX_UPLOAD_BYTES = 4_000_000
MAX_LINES = 100_000  # more lines than Indonesia has villages (83,762)
SHOWN_PROBLEMS = 20  # a file of thousands of bad lines shows the first ones and how many more


class LineProblems:
    """Collect every problem of a file before refusing it, so the user fixes them all in one go."""

    def __init__(self) -> None:
        self._found: list[tuple[int, str | Promise]] = []

    def add(self, line: int, problem: str | Promise) -> None:
        self._found.append((line, problem))

    def __bool__(self) -> bool:
        return bool(self._found)

    def messages(self, limit: int | None = SHOWN_PROBLEMS) -> list[str]:
        found = sorted(self._found, key=lambda found: found[0])
        shown = [
            _("line %(line)d: %(problem)s") % {"line": line, "problem": str(problem)[:200]}
            for line, problem in found[:limit]
        ]
        if limit is not None and len(found) > limit:
            more = len(found) - limit
            shown.append(
                ngettext(
                    "… and %(count)s more problem (%(total)s in all).",
                    "… and %(count)s more problems (%(total)s in all).",
                    more,
                )
                % {
                    "count": number_format(more, force_grouping=True),
                    "total": number_format(len(found), force_grouping=True),
                }
            )
        return shown


class CsvLineError(ValueError):
    """A line the csv module cannot read (an unclosed quote, a field of hundreds of kilobytes)."""


def csv_lines(text: str) -> Iterator[tuple[int, list[str] | CsvLineError]]:
    """(line number, stripped cells) for each line of a CSV as people save it: lines ending in CRLF,
    LF or a lone CR (old Mac Excel), fields separated by commas or, as Indonesian Excel saves them,
    semicolons. A line that cannot be read comes as a CsvLineError, so the others are still checked."""
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    for number, line in enumerate(lines, start=1):
        try:
            cells = next(csv.reader([line], delimiter=delimiter), [])
        except csv.Error as error:
            yield number, CsvLineError(str(error))
            continue
        yield number, [cell.strip() for cell in cells]


class CsvUploadForm(forms.Form):
    """A CSV file, read as text: refused with a message when too large, not UTF-8, or too long."""

    help_text: str | Promise = ""
    file = forms.FileField(label=gettext_lazy("CSV file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = self.help_text

    def clean_file(self) -> str:
        return read_csv_upload(self.cleaned_data["file"])


def read_csv_upload(upload) -> str:
    """An uploaded CSV as text: refused with a message when too large, not UTF-8, or too long."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(size)s MB. Every village of Indonesia fits in less.")
            % {"size": MAX_UPLOAD_BYTES // 1_000_000}
        )
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(_("The file is not UTF-8 text. Save it as CSV (UTF-8).")) from None
    if len(text.splitlines()) > MAX_LINES:
        raise forms.ValidationError(
            _("The file has more than %(lines)s lines: more than there are villages.")
            % {"lines": number_format(MAX_LINES, force_grouping=True)}
        )
    return text


# Scans (a signed page, a proof of payment): PDF, JPG or PNG, at most 5 MB, and the file must start
# as its kind does, so that a renamed file of another kind is refused.
SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
MAX_SCAN_BYTES = 5 * 1024 * 1024
SCAN_SIGNATURES = (b"%PDF", b"\xff\xd8\xff", b"\x89PNG")


def scan_field(label: StrOrPromise) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        validators=[FileExtensionValidator(SCAN_EXTENSIONS)],
        help_text=gettext_lazy("PDF, JPG or PNG, at most 5 MB."),
    )


def validate_scan(scan):
    """The scan itself, or a message in the user's language: too large, or not what its name says."""
    if scan.size > MAX_SCAN_BYTES:
        raise forms.ValidationError(gettext_lazy("The scan is larger than 5 MB."))
    head = scan.read(4)
    scan.seek(0)
    if not head.startswith(SCAN_SIGNATURES):
        raise forms.ValidationError(gettext_lazy("The scan is not a PDF, JPG or PNG file."))
    return scan
