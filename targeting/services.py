"""Writes of the targeting app: a list's upload with its handover record, an agent's visit."""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from imports.models import ImportBatch
from imports.services import import_upload

from .models import TargetList, TargetPerson, Visit


class TargetingError(Exception):
    """A targeting action the rules refuse; the message is for the user."""


@transaction.atomic
def target_list_upload(*, target_list: TargetList, data: bytes, file_name: str, by: User) -> TargetList:
    """Keep the file as an import of the target-list kind (checked next by the import pages) and the
    list's handover record beside it; nothing is current before the official confirms."""
    batch = import_upload(
        kind=ImportBatch.Kind.TARGETS, campaign=None, data=data, file_name=file_name, by=by,
        region=target_list.region,
    )  # fmt: skip
    target_list.batch_id, target_list.created_by = batch.pk, by
    target_list.save()
    return target_list


def visit_record(*, person: TargetPerson, outcome: str, reason: str, by: User) -> Visit:
    """What the agent found of a listed person; recorded again, it replaces the earlier finding (both
    stay in the visit's history)."""
    if not (verdict := person.can_be_visited(by)):
        raise TargetingError(verdict.reason)
    visit, _created = Visit.objects.update_or_create(
        village=person.village, nik=person.nik,
        defaults={"outcome": outcome, "reason": reason.strip()[:200], "recorded_by": by},
    )  # fmt: skip
    return visit
