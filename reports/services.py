"""Writes of the reports app: the export log, and the sign-off steps of a village's list."""

from __future__ import annotations

import datetime as dt
import re

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from campaigns.models import Campaign, Quota
from regions.models import Region

from .models import ExportLog, SignoffStep

SIXTEEN_DIGITS = re.compile(r"\d{16}")
MAX_FILTERS, MAX_FILTER_LENGTH = 20, 200


class ReportError(Exception):
    """A report action the rules refuse; the message is for the user."""


def _recorded_filters(filters: dict[str, list[str]]) -> dict[str, list[str]]:
    """The filters as the log keeps them: a NIK typed anywhere masked (the log never holds one),
    NUL bytes dropped (PostgreSQL's JSON refuses them) and each value cut to a readable length."""

    def clean(value: str) -> str:
        value = value.replace("\x00", "")[:MAX_FILTER_LENGTH]
        return SIXTEEN_DIGITS.sub(lambda m: m.group()[:4] + "*" * 8 + m.group()[12:], value)

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
    if whole and not user.can_manage_agents:
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
        purpose=purpose.strip() if whole else "",
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


@transaction.atomic
def signoff_advance(
    *,
    quota: Quota,
    by: User,
    village_head: str = "",
    signed_on: dt.date | None = None,
    scan: UploadedFile | None = None,
) -> SignoffStep:
    """Take the next step of the village's sign-off: the village head's signature (name, date and
    optionally the scanned page), then the district's approval, then the regency's."""
    quota = _locked_quota(quota)
    stage = quota.next_signoff
    if not quota.can_sign_off(by):
        raise ReportError(_("This step of the sign-off is not yours to take."))
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
    Quota.objects.filter(pk=quota.pk).update(signoff=stage)
    step = SignoffStep(
        quota=quota,
        action=SignoffStep.Action.SIGN if stage == Quota.Signoff.SIGNED else SignoffStep.Action.APPROVE,
        stage=stage,
        by=by,
        village_head=village_head.strip() if stage == Quota.Signoff.SIGNED else "",
        signed_on=signed_on if stage == Quota.Signoff.SIGNED else None,
        workers=quota.filled,
    )
    if scan and stage == Quota.Signoff.SIGNED:
        step.scan.save(scan.name, scan, save=False)
    step.save()
    return step


@transaction.atomic
def signoff_reopen(*, quota: Quota, by: User, reason: str) -> SignoffStep:
    """Undo the last step, with a reason: the list can be changed again at that level."""
    quota = _locked_quota(quota)
    if not quota.can_reopen(by):
        raise ReportError(_("Only the level that took the last step may reopen it."))
    if not reason.strip():
        raise ReportError(_("Give a reason."))
    stage = quota.signoff - 1
    Quota.objects.filter(pk=quota.pk).update(signoff=stage)
    return SignoffStep.objects.create(
        quota=quota,
        action=SignoffStep.Action.REOPEN,
        stage=stage,
        by=by,
        reason=reason.strip(),
        workers=quota.filled,
    )
