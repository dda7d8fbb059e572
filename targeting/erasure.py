"""A person erased on request (enrollment.erasure.worker_erase) is erased from the target lists and
the visits in the same official's reach too: the rows stay (the list's counts stay right), what
identifies the person goes."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import User
from enrollment.erasure import ALSO_ERASE

from .models import TargetPerson, Visit


def target_person_erase(nik: str, by: User) -> None:
    # Queryset updates: no row-by-row history of what is being erased (Visit's history is blanked too).
    TargetPerson.objects.for_user(by).filter(nik=nik).update(
        erased_at=timezone.now(), **TargetPerson.IDENTIFYING
    )
    visits = list(Visit.objects.for_user(by).filter(nik=nik).values_list("pk", flat=True))
    Visit.objects.filter(pk__in=visits).update(nik=None, reason="")
    Visit.history.filter(id__in=visits).update(nik=None, reason="")


if target_person_erase not in ALSO_ERASE:
    ALSO_ERASE.append(target_person_erase)
