"""The dashboards' reports: the quota progress table and the budget realisation, on a page and as files."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.decorators import official_required
from config.db_router import reads_from_replica
from config.requests import AuthenticatedHttpRequest
from regions.codes import LENGTH_BY_LEVEL
from reports.exports import Cell, Column, Sheet
from reports.models import ExportLog
from reports.services import export_area, export_log_start
from reports.views import send_export

from . import money, rollups, summary
from .views import LEVEL_NAMES, Area, campaign_area

LEVELS = {name: level for level, name in LEVEL_NAMES.items()}


def _number(key: str, label: str | Promise) -> Column:
    return Column(key, label, lambda row: getattr(row, key), Cell.NUMBER, 12)


def progress_columns(cost_per_worker: int) -> list[Column]:
    return [
        Column("code", gettext_lazy("Code"), lambda row: row.code),
        Column("name", gettext_lazy("Region"), lambda row: row.name, width=26),
        _number("villages", gettext_lazy("Villages")),
        _number("target", gettext_lazy("Target")),
        _number("baseline", gettext_lazy("Covered before")),
        _number("filled", gettext_lazy("Filled")),
        Column("percent", gettext_lazy("% of target"), lambda row: round(row.percent, 1), Cell.NUMBER),
        _number("registered_count", gettext_lazy("Registered")),
        _number("verified_count", gettext_lazy("Verified")),
        _number("active_count", gettext_lazy("Active")),
        _number("reserve_count", gettext_lazy("Reserve list")),
        _number("rejected_count", gettext_lazy("Rejected")),
        _number("cancelled_count", gettext_lazy("Cancelled")),
        _number("signed", gettext_lazy("Villages signed")),
        _number("district_approved", gettext_lazy("Approved by the district")),
        _number("regency_approved", gettext_lazy("Approved by the regency")),
        Column(
            "workforce", gettext_lazy("Informal workers (estimate)"), lambda row: row.workforce, Cell.NUMBER
        ),
        Column(
            "committed",
            gettext_lazy("Committed (Rp)"),
            lambda row: row.filled * cost_per_worker,
            Cell.NUMBER,
            16,
        ),
    ]


def _rows_at(area: Area, level: str | None) -> list[rollups.Row]:
    """The area's rows at the chosen level below it (its children when none is chosen)."""
    above = area.region.level if area.region else 0
    wanted = LEVELS.get(level or "")
    if wanted is None or wanted <= above:
        return area.rows
    rows = rollups.child_rows(area.quotas, LENGTH_BY_LEVEL[wanted])
    rows.sort(key=lambda row: row.code)
    return rows


def _area_name(area: Area) -> str:
    return area.region.display_name if area.region else _("Your area")


@login_required
@reads_from_replica
def progress_export(
    request: AuthenticatedHttpRequest, slug: str, code: str | None = None
) -> HttpResponseBase:
    """The dashboard's table (provinces, regencies, districts or villages of the area) as CSV or XLSX."""
    area = campaign_area(request, slug, code)
    file_format = ExportLog.Format.CSV if request.GET.get("format") == "csv" else ExportLog.Format.XLSX
    rows = _rows_at(area, request.GET.get("level"))
    log = export_log_start(
        user=request.user,
        kind=ExportLog.Kind.PROGRESS,
        file_format=file_format,
        area=export_area(request.user, area.region),
        campaign=area.campaign,
        filters={"level": [request.GET.get("level", "")]},
    )
    title = f"{area.campaign.name} · {_area_name(area)} · {date_format(timezone.localdate())}"
    sheet = Sheet(_("Progress"), progress_columns(area.campaign.cost_per_worker), rows, title)
    return send_export(file_format, f"{area.campaign.slug}-{_('progress')}", [sheet], log)


@official_required
@reads_from_replica
def campaign_money(request: AuthenticatedHttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    """Where the money went in the area: committed against the budget and each funding source's pledge."""
    area = campaign_area(request, slug, code)
    campaign = area.campaign
    cost = campaign.cost_per_worker
    as_of = summary.fresh_as_of(campaign)  # first: a small campaign's stale counts are redone here
    funding = money.funding_rows(campaign, area.codes, timezone.localdate())
    for row in area.rows:
        row.committed = row.filled * cost
    context = {
        "area": area,
        "campaign": campaign,
        "region": area.region,
        "headline": area.headline,
        "allocated": area.headline.target * cost,
        # Each funding kind at its own rates through the coverage months (the schedule may differ by kind).
        "committed": sum(row.committed for row in funding) if funding else area.headline.filled * cost,
        "whole_campaign": (area.region is None and request.user.is_superuser)
        or area.region == campaign.organizer,
        "funding": funding,
        "rows": area.rows,
        "as_of": as_of,
    }
    return render(request, "dashboards/campaign_money.html", context)


@official_required
@reads_from_replica
def realisation_export(
    request: AuthenticatedHttpRequest, slug: str, code: str | None = None
) -> HttpResponseBase:
    """The "laporan realisasi" workbook: workers by status and funding source, contributions committed
    per month, and the regions of the area."""
    area = campaign_area(request, slug, code)
    campaign, today = area.campaign, timezone.localdate()
    log = export_log_start(
        user=request.user,
        kind=ExportLog.Kind.REALISATION,
        file_format=ExportLog.Format.XLSX,
        area=export_area(request.user, area.region),
        campaign=campaign,
    )
    title = f"{campaign.name} · {_area_name(area)} · {date_format(today)}"
    months, waiting = money.committed_by_month(campaign, area.codes)
    sheets = [
        Sheet(_("Summary"), _pair_columns(), _summary(area), title),
        Sheet(
            _("Funding sources"), _funding_columns(), money.funding_rows(campaign, area.codes, today), title
        ),
        Sheet(_("By month"), _month_columns(), [*months, _waiting_row(waiting, campaign)], title),
        Sheet(_("By region"), progress_columns(campaign.cost_per_worker), area.rows, title),
    ]
    return send_export(ExportLog.Format.XLSX, f"{campaign.slug}-{_('realisation')}", sheets, log)


def _pair_columns() -> list[Column]:
    return [
        Column("item", gettext_lazy("Item"), lambda pair: pair[0], width=40),
        Column("value", gettext_lazy("Value"), lambda pair: pair[1], Cell.NUMBER, 18),
    ]


def _summary(area: Area) -> list[tuple[str, int]]:
    sums, campaign = area.headline, area.campaign
    cost = campaign.cost_per_worker
    return [
        (_("Budget of the campaign (Rp)"), campaign.budget),
        (_("Contribution per worker per month (Rp)"), campaign.contribution_per_month),
        (_("Coverage months"), campaign.coverage_months),
        (_("Villages"), sums.villages),
        (_("Target (slots)"), sums.target),
        (_("Allocated: target x contribution x months (Rp)"), sums.target * cost),
        (_("Enrolled, holding a slot"), sums.filled),
        (_("Committed: enrolled x contribution x months (Rp)"), sums.filled * cost),
        (_("Registered"), sums.registered_count),
        (_("Verified"), sums.verified_count),
        (_("Active"), sums.active_count),
        (_("Reserve list"), sums.reserve_count),
        (_("Rejected"), sums.rejected_count),
        (_("Cancelled"), sums.cancelled_count),
        (_("Villages signed"), sums.signed),
        (_("Approved by the district"), sums.district_approved),
        (_("Approved by the regency"), sums.regency_approved),
    ]


def _funding_columns() -> list[Column]:
    return [
        Column("name", gettext_lazy("Funding source"), lambda row: row.name, width=30),
        Column("kind", gettext_lazy("Kind"), lambda row: str(row.kind), width=20),
        Column("amount", gettext_lazy("Amount (Rp)"), lambda row: row.amount, Cell.NUMBER, 16),
        Column("pledged", gettext_lazy("Workers pledged"), lambda row: row.pledged, Cell.NUMBER),
        Column("enrolled", gettext_lazy("Enrolled (whole campaign)"), lambda row: row.enrolled, Cell.NUMBER),
        Column("left", gettext_lazy("Left"), lambda row: row.left, Cell.NUMBER),
        Column("in_area", gettext_lazy("Enrolled in this area"), lambda row: row.in_area, Cell.NUMBER),
        Column(
            "committed",
            gettext_lazy("Committed in this area (Rp)"),
            lambda row: row.committed,
            Cell.NUMBER,
            16,
        ),
    ]


def _month_columns() -> list[Column]:
    return [
        Column("month", gettext_lazy("Month"), lambda row: row.month, Cell.DATE, 12),
        Column("workers", gettext_lazy("Active workers covered"), lambda row: row.workers, Cell.NUMBER),
        Column(
            "contribution", gettext_lazy("Contributions (Rp)"), lambda row: row.contribution, Cell.NUMBER, 16
        ),
    ]


def _waiting_row(waiting: int, campaign) -> money.MonthRow:
    """Slot holders not yet active: committed, with months unknown until activation (no month cell)."""
    return money.MonthRow(
        month=_("Not yet active"), workers=waiting, contribution=waiting * campaign.cost_per_worker
    )
