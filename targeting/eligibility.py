"""How the campaign's rules of who it is for (enrollment.eligibility) read the target lists."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Min

from enrollment.eligibility import Applicant, TargetFacts, register_target_book

from .models import TargetPerson


def target_facts(applicants: Sequence[Applicant]) -> TargetFacts:
    """Two queries for any number of applicants: the villages a current list covers, and the
    applicants found on them (the lowest decile where two sources name one person)."""
    villages = {applicant.village.pk for applicant in applicants}
    current = TargetPerson.objects.current()
    listed = set(current.filter(village__in=villages).order_by().values_list("village", flat=True).distinct())
    if not listed:
        return TargetFacts()
    niks = {applicant.nik for applicant in applicants if applicant.village.pk in listed}
    desil = {
        (nik, village): lowest
        for nik, village, lowest in current.filter(nik__in=niks, village__in=listed)
        .order_by()
        .values("nik", "village")
        .annotate(lowest=Min("desil"))
        .values_list("nik", "village", "lowest")
    }
    return TargetFacts(listed_villages=listed, desil=desil)


register_target_book(target_facts)
