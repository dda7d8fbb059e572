from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.decorators import official_required
from billing import arrears
from billing.models import Payer
from campaigns.models import Campaign, FundingSource, Quota, QuotaQuerySet
from config.db_router import reads_from_replica
from config.requests import AuthenticatedHttpRequest
from coverage.models import Claim
from enrollment.lapse import CoverageState
from enrollment.models import COVER_ENDED, Enrollment, Worker
from regions.codes import LENGTH_BY_LEVEL
from regions.models import Region
from regions.reach import area_q, reach_q
from targeting.coverage import target_coverage

from . import rollups, services, summary
from .forms import EstimateForm, EstimateUploadForm
from .models import Breakdown, WorkforceEstimate

T = TypeVar("T")

SORTS = {
    "code": (lambda row: row.code, False),
    "name": (lambda row: row.name, False),
    "percent": (lambda row: row.percent, False),
    "-percent": (lambda row: row.percent, True),
    "-filled": (lambda row: row.filled, True),
    "-coverage": (lambda row: row.coverage or 0, True),
}
LAG_THRESHOLDS = (25, 50, 75, 100)
# The levels as the address names them (?level=district) when a table is downloaded.
LEVEL_NAMES = {
    Region.Level.PROVINCE: "province",
    Region.Level.REGENCY: "regency",
    Region.Level.DISTRICT: "district",
    Region.Level.VILLAGE: "village",
}
CHART_DAYS = (30, 90)


@dataclass
class Area:
    """A campaign seen over one region of the user's reach: its quotas, the codes that bound it, the
    child regions' rows and the headline (their sum)."""

    campaign: Campaign
    region: Region | None
    quotas: QuotaQuerySet
    codes: list[str]
    rows: list[rollups.Row]
    headline: rollups.Row


def campaign_area(request: AuthenticatedHttpRequest, slug: str, code: str | None) -> Area:
    """The campaign in the region `code` of the user's reach, or 404. Without a region: the whole
    country for administrators, the organizing region for officials who reach it, else the user's
    own regions."""
    user = request.user
    campaign = get_object_or_404(Campaign.objects.for_user(user).select_related("organizer"), slug=slug)
    region = get_object_or_404(Region.objects.for_user(user), code=code) if code else None
    if region is None and user.reaches(campaign.organizer) and not user.is_superuser:
        region = campaign.organizer
    quotas = Quota.objects.filter(campaign=campaign).filter(area_q(user, region, "village__code"))
    if region:
        codes = [region.code]
        has_children = region.level < Region.Level.VILLAGE
        rows = rollups.child_rows(quotas, rollups.child_length(region)) if has_children else []
    elif user.is_superuser:  # administrators start from the whole country, one row per province
        rows = countrywide(
            user, campaign, None, "provinces",
            lambda: rollups.child_rows(quotas, LENGTH_BY_LEVEL[Region.Level.PROVINCE]),
        )  # fmt: skip
        codes = [row.code for row in rows]
    else:  # officials and agents who do not reach the organizer start from their own regions
        codes = user.region_codes
        rows = rollups.rows_for(quotas, codes)
    # The headline is the sum of the rows when there are rows: one query fewer over every quota.
    sums = rollups.summed(rows) if rows else quotas.totals()
    headline = rollups.Row.summing(sums, code=region.code if region else "")
    rollups.with_workforce([headline, *rows], codes)
    return Area(campaign, region, quotas, codes, rows, headline)


@login_required
@reads_from_replica
def campaign_dashboard(request: AuthenticatedHttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    """A campaign's progress in one region of the user's reach, with its child regions to drill into."""
    area = campaign_area(request, slug, code)
    campaign, region, rows = area.campaign, area.region, area.rows
    sort = request.GET.get("sort", "")
    sort = sort if sort in SORTS else "code"
    key, descending = SORTS[sort]
    rows.sort(key=key, reverse=descending)
    for row in rows:
        row.url = reverse("dashboards:campaign_region_dashboard", args=[campaign.slug, row.code])
    below = _choice(request.GET.get("below"), LAG_THRESHOLDS, 50)
    days = _choice(request.GET.get("days"), CHART_DAYS, 30)
    today = timezone.localdate()
    as_of = summary.fresh_as_of(campaign)
    counts = rollups.breakdowns_for(campaign, area.codes, today)
    context = {
        "campaign": campaign,
        "region": region,
        "trail": [r for r in [*region.ancestors(), region] if request.user.reaches(r)] if region else [],
        "headline": area.headline,
        "rows": rows,
        "sort": sort,
        "lagging": area.quotas.lagging(below),
        "below": below,
        "thresholds": LAG_THRESHOLDS,
        "days": days,
        "chart_days": CHART_DAYS,
        "chart": daily_chart(counts.get(Breakdown.Dimension.DAY, {}), today, days),
        "breakdowns": labelled(counts),
        "as_of": as_of,
        "export_levels": export_levels(region),
        "claims": _claims(request.user, campaign, region),
        "arrears": _arrears(request.user, campaign, region) if request.user.acts_as_official else None,
        "targets": countrywide(
            request.user, campaign, region, "targets", lambda: target_coverage(request.user, campaign, region)
        ),
    }
    return render(request, "dashboards/campaign_dashboard.html", context)


def _claims(user, campaign: Campaign, region: Region | None) -> dict[str, int]:
    """Benefit claims of the campaign's workers in the area, and the amount paid ("2 claims, Rp 84 m")."""
    claims = Claim.objects.for_user(user).filter(enrollment__campaign=campaign)
    if region:
        claims = claims.filter(enrollment__village__code__startswith=region.code)
    return claims.totals()


def _arrears(user, campaign: Campaign, region: Region | None) -> arrears.Summary:
    """The campaign's payers in the area behind with their bills, as last counted (billing.arrears)."""
    payers = Payer.objects.filter(campaign=campaign).filter(area_q(user, region, "region__code"))
    return countrywide(user, campaign, region, "arrears", lambda: arrears.summary(payers))


COUNTRYWIDE_SECONDS = 60


def countrywide(user, campaign: Campaign, region: Region | None, figure: str, count: Callable[[], T]) -> T:
    """`count()`, shared by the administrators for a minute when it is the whole country's: summed on
    every view, the country's 83,762 quotas, payers and target counts took 150 ms of each (issue 25).
    A province and below, and every other user's area, are counted on each view."""
    if region is not None or not user.is_superuser:
        return count()
    key = f"dashboards:{campaign.pk}:{figure}"
    value = cache.get(key)
    if value is None:
        value = count()
        cache.set(key, value, COUNTRYWIDE_SECONDS)
    return value


def export_levels(region: Region | None) -> list[tuple[str, str]]:
    """The levels below the area at which its table can be downloaded: one row per region of that level."""
    above = region.level if region else 0
    labels = {
        Region.Level.PROVINCE: _("One row per province"),
        Region.Level.REGENCY: _("One row per regency/city"),
        Region.Level.DISTRICT: _("One row per district"),
        Region.Level.VILLAGE: _("One row per village"),
    }
    return [(LEVEL_NAMES[level], labels[level]) for level in Region.Level if level > above]


def _choice(raw: str | None, allowed: tuple[int, ...], default: int) -> int:
    """One of the allowed numbers; anything else (a typo, 5,000 digits) is the default."""
    return (
        int(raw)
        if raw and raw.isascii() and raw.isdigit() and len(raw) < 6 and int(raw) in allowed
        else default
    )


def daily_chart(per_day: dict[str, int], today: dt.date, days: int) -> dict:
    """Bars for the last `days` days, ready for an SVG drawn by the template (no script, no CDN)."""
    dates = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
    counts = [per_day.get(day.isoformat(), 0) for day in dates]
    peak = max(counts) or 1
    bars = [
        {
            "x": f"{i * 10}",
            "height": f"{90 * n / peak:.1f}",
            "y": f"{100 - 90 * n / peak:.1f}",
            "title": f"{day:%d-%m}: {n}",
        }
        for i, (day, n) in enumerate(zip(dates, counts, strict=True))
    ]
    return {
        "bars": bars,
        "width": f"{days * 10}",  # text: the template would group digits of a number
        "peak": max(counts),
        "total": sum(counts),
        "first_day": dates[0],
    }


LABELS: dict[str, dict[str, Any]] = {
    Breakdown.Dimension.OCCUPATION: dict(Enrollment.Occupation.choices),
    Breakdown.Dimension.SEX: dict(Worker.Sex.choices),
    Breakdown.Dimension.FUNDING: dict(FundingSource.Kind.choices),
    Breakdown.Dimension.COVERAGE: {**dict(CoverageState.choices), COVER_ENDED: gettext_lazy("Cover ended")},
    Breakdown.Dimension.OVERLAP: {
        summary.OVERLAPPING: gettext_lazy("Covered by another campaign too"),
        "none": gettext_lazy("Only by this campaign"),
    },
}


def labelled(counts: dict[str, dict[str, int]]) -> list[dict]:
    """Each breakdown but the daily one, largest first, with the labels users read."""
    shown = []
    for dimension, label in Breakdown.Dimension.choices:
        if dimension in (Breakdown.Dimension.DAY, Breakdown.Dimension.SOURCE):
            continue  # the daily chart, and the money section (dashboards/money.py), show these
        values = counts.get(dimension, {})
        names = LABELS.get(dimension, {})
        order = (
            sorted(values.items(), key=lambda item: -item[1])
            if dimension != "age"
            else sorted(values.items())
        )
        total = sum(values.values())
        shown.append(
            {
                "dimension": dimension,
                "label": label,
                "total": total,
                "rows": [(names.get(value, value if value != "none" else "—"), n) for value, n in order],
            }
        )
    return shown


@official_required
def workforce_estimates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The estimated informal workforce of the regions in reach, which coverage is measured against."""
    form = EstimateForm(request.POST if "save" in request.POST else None, user=request.user)
    upload = EstimateUploadForm(request.POST if "upload" in request.POST else None, request.FILES or None)
    if form.is_valid():
        data = form.cleaned_data
        services.workforce_estimate_set(
            region=data["region"],
            informal_workers=data["informal_workers"],
            source=data["source"],
            by=request.user,
        )
        messages.success(
            request, _("Estimate for %(region)s saved.") % {"region": data["region"].display_name}
        )
        return redirect("dashboards:workforce_estimates")
    if upload.is_valid():
        try:
            count = services.workforce_import_csv(text=upload.cleaned_data["file"], by=request.user)
        except services.EstimateError as error:
            for problem in error.problems:
                upload.add_error("file", problem)
        else:
            messages.success(request, _("%(count)s estimates saved.") % {"count": count})
            return redirect("dashboards:workforce_estimates")
    estimates = WorkforceEstimate.objects.filter(reach_q(request.user, "region__code")).select_related(
        "region", "recorded_by"
    )
    page = Paginator(estimates.order_by("region__code"), 50).get_page(request.GET.get("page"))
    return render(
        request, "dashboards/workforce_estimates.html", {"form": form, "upload": upload, "page": page}
    )
