"""Lists of other kinds, read through the same pages as the sign-up and branch lists.

An app above this one (billing's bank statements, targeting's target lists) registers a `ListKind` in its `ready()`: the columns
it reads, a dry run that sorts each row into categories, a confirmation and a same-day undo. The
upload, the kept file, the column mapping, the background worker, the category page, the undo form
and the scoping are this app's, so a new kind of list is a matcher and not a second import pipeline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from django.utils.functional import Promise

from accounts.models import User

from .models import ImportBatch
from .reading import ALIASES, FIELD_LABELS, Table


@dataclass
class Sorted:
    """One row of a list in its category, as the page shows it: row number, what identifies it (a
    reference), who (a payer), a note, and whatever the confirmation needs (`data`, JSON)."""

    row: int
    category: str
    key: str
    who: str
    note: str = ""
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ListKind:
    aliases: dict[str, tuple[str, ...]]
    labels: Mapping[str, Promise]
    required: tuple[str, ...]
    example: list[tuple[str, str]]  # the blank file's headers and one row
    instructions: Callable[[], list[str]]
    categories: Mapping[str, Promise]
    confirmed: tuple[str, ...]  # the categories the confirmation acts on
    open_categories: tuple[str, ...]
    may_upload: Callable[[User], bool]
    sort: Callable[[ImportBatch, Table], Iterable[Sorted]]  # the dry run; changes nothing
    confirm: Callable[[ImportBatch, list[Sorted], User], dict]  # in a transaction; what undo needs
    undo: Callable[[ImportBatch, User, str], int]  # in a transaction, the batch locked
    undone: Promise  # what the undo says it did, with %(count)s
    # The page's words: the columns of a row, the confirm button (with %(count)s), what it did.
    key_label: Promise
    who_label: Promise
    confirm_label: Callable[[int], str]
    confirm_note: Promise
    done_label: Promise  # with %(count)s and %(when)s
    undo_note: Promise  # what undoing it today puts back
    upload_url: str = ""  # the kind's own upload page (a URL name), when it asks more than a file


KINDS: dict[str, ListKind] = {}


def register(name: str, kind: ListKind) -> None:
    KINDS[name] = kind


def aliases_for(name: str) -> dict[str, tuple[str, ...]]:
    return KINDS[name].aliases if name in KINDS else ALIASES


def labels_for(name: str) -> Mapping[str, Promise]:
    return KINDS[name].labels if name in KINDS else FIELD_LABELS
