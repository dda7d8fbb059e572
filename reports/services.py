"""Writes of the reports app: the export log, and the sign-off steps of a village's list."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, Quota
from config.logging import mask as masked
from regions.models import Region

from .models import ExportLog, SignoffStep

MAX_FILTERS, MAX_FILTER_LENGTH = 20, 200


class ReportError(Exception):
    """A report action the rules refuse; the message is for the user."""


def _recorded_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filters as the log keeps them: a NIK typed anywhere masked (the log never holds one),
    NUL bytes dropped (PostgreSQL's JSON refuses them) and each value cut to a readable length."""

    def clean(value: str) -> str:
        return masked(value.replace("\x00", "")[:MAX_FILTER_LENGTH])

    return {
        name[:MAX_FILTER_LENGTH].replace("\x00", ""): [clean(v) for v in values]
        for name, values in list(filters.items())[:MAX_FILTERS]
        if values != [""]
    }


def export_log_start(
    *,
    user: User,
    kind: str,
    file_format: str,
    area: list[Region],
    campaign: Campaign | None = None,
    filters: dict[str, list[str]] | None = None,
    columns: list[str] | None = None,
    whole: bool = False,
    purpose: str = "",
) -> ExportLog:
    """Record an export before it goes out. Whole NIK and phone numbers are for officials, with a purpose."""
    if whole and not user.acts_as_official:
        raise ReportError(_("Only officials may export whole NIK and phone numbers."))
    if whole and not purpose.strip():
        raise ReportError(_("Say why the whole numbers are needed."))
    log = ExportLog.objects.create(
        user=user,
        kind=kind,
        file_format=file_format,
        campaign=campaign,
        filters=_recorded_filters(filters or {}),
        columns=columns or [],
        whole_personal_data=whole,
        purpose=masked(purpose.strip()) if whole else "",
    )
    log.regions.set(area)
    return log


def export_log_finish(log: ExportLog, rows: int) -> None:
    """The row count, once the last row is out: a log without one is an export broken off."""
    ExportLog.objects.filter(pk=log.pk).update(row_count=rows)
    log.row_count = rows


def export_area(user: User, region: Region | None) -> list[Region]:
    """The regions an export covers: the one filtered on, else the user's own (none: the whole country)."""
    if region is not None:
        return [region]
    return [] if user.is_superuser else list(user.regions.all())


def _locked_quota(quota: Quota) -> Quota:
    """The quota row locked for the step, so two clicks cannot take the same step twice."""
    return Quota.objects.select_for_update().select_related("village", "campaign").get(pk=quota.pk)


def _stale(quota: Quota) -> ReportError:
    """A step posted from a page that was out of date: a double click, another tab, another official."""
    return ReportError(
        _("The sign-off of %(village)s changed meanwhile; it is now: %(stage)s. Nothing was changed.")
        % {"village": quota.village.display_name, "stage": quota.get_signoff_display()}
    )


def _signer_id(quota: Quota) -> int | None:
    """Who recorded the village head's signature that stands now."""
    signs = quota.signoff_steps.filter(action=SignoffStep.Action.SIGN).order_by("-at", "-pk")
    return signs.values_list("by_id", flat=True).first()


@transaction.atomic
def signoff_advance(
    *,
    quota: Quota,
    by: User,
    expected: int | None = None,
    village_head: str = "",
    signed_on: dt.date | None = None,
    scan: UploadedFile | None = None,
) -> SignoffStep:
    """Take the next step of the village's sign-off: the village head's signature (name, date and
    optionally the scanned page), then the district's approval, then the regency's. `expected` is the
    step the user's page offered: when the list has moved on since, nothing happens (idempotent)."""
    quota = _locked_quota(quota)
    stage = quota.next_signoff
    if expected is not None and stage != expected:
        raise _stale(quota)
    if not quota.can_sign_off(by):
        raise ReportError(_("This step of the sign-off is not yours to take."))
    note = ""
    if stage == Quota.Signoff.SIGNED:
        if not village_head.strip() or signed_on is None:
            raise ReportError(_("Enter the village head's name and the date of signing."))
        if signed_on > timezone.localdate():
            raise ReportError(_("The date of signing cannot be in the future."))
        if quota.filled == 0:
            raise ReportError(
                _("Nobody is enrolled in %(village)s yet: there is no list to sign.")
                % {"village": quota.village.display_name}
            )
    elif stage == Quota.Signoff.DISTRICT and _signer_id(quota) == by.pk:
        # Four eyes: who typed in the signature does not approve it, unless the regency has too few
        # officials and has said so; then the approval says it.
        if not settings.SIGNOFF_SAME_PERSON_ALLOWED:
            raise ReportError(
                _("You recorded the village head's signature: another official approves it for the district.")
            )
        note = _("Approved by the person who recorded the village head's signature (allowed here).")
    assert stage is not None  # can_sign_off: there is a next step
    Quota.objects.filter(pk=quota.pk).update(signoff=stage)
    step = SignoffStep(
        quota=quota,
        action=SignoffStep.Action.SIGN if stage == Quota.Signoff.SIGNED else SignoffStep.Action.APPROVE,
        stage=stage,
        by=by,
        village_head=village_head.strip() if stage == Quota.Signoff.SIGNED else "",
        signed_on=signed_on if stage == Quota.Signoff.SIGNED else None,
        reason=note,
        workers=quota.filled,
    )
    if scan and stage == Quota.Signoff.SIGNED:
        step.scan.save(scan.name or "scan", scan, save=False)
    step.save()
    return step


def reopen_stages(quota: Quota, user: User) -> list[int]:
    """The stages the user may take the list back to, highest first: each step undone on the way must
    be one they may reopen (their level or below)."""
    stages = []
    for stage in range(quota.signoff, Quota.Signoff.OPEN, -1):
        if not quota.acts_at(user, stage):
            break
        stages.append(stage - 1)
    return stages


@transaction.atomic
def signoff_reopen(
    *, quota: Quota, by: User, reason: str, expected: int | None = None, to: int | None = None
) -> SignoffStep:
    """Undo the last step, or the last few down to stage `to`, with one reason: the list can be changed
    again at that level. `expected` is the stage the user's page showed (a second click does nothing)."""
    quota = _locked_quota(quota)
    if expected is not None and quota.signoff != expected:
        raise _stale(quota)
    if not quota.can_reopen(by):
        raise ReportError(_("Only the level that took the last step may reopen it."))
    if not reason.strip():
        raise ReportError(_("Give a reason."))
    stage = quota.signoff - 1 if to is None else to
    if stage not in reopen_stages(quota, by):
        raise ReportError(_("You may not reopen the list that far."))
    Quota.objects.filter(pk=quota.pk).update(signoff=stage)
    return SignoffStep.objects.create(
        quota=quota,
        action=SignoffStep.Action.REOPEN,
        stage=stage,
        by=by,
        reason=reason.strip(),
        workers=quota.filled,
    )
