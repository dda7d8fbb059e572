from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from campaigns.models import Campaign, FundingSource, Quota
from enrollment.models import Enrollment, Worker
from regions.models import Region

from . import rollups, summary
from .models import Breakdown

SORTS = {
    "code": (lambda row: row.code, False),
    "name": (lambda row: row.name, False),
    "percent": (lambda row: row.percent, False),
    "-percent": (lambda row: row.percent, True),
    "-filled": (lambda row: row.filled, True),
    "-coverage": (lambda row: row.coverage or 0, True),
}
LAG_THRESHOLDS = (25, 50, 75, 100)
CHART_DAYS = (30, 90)


@login_required
def campaign_dashboard(request: HttpRequest, slug: str, code: str | None = None) -> HttpResponse:
    """A campaign's progress in one region of the user's reach, with its child regions to drill into.

    Without a region: the organizing region for those who reach it, else the user's own regions."""
    user = request.user
    campaign = get_object_or_404(Campaign.objects.for_user(user).select_related("organizer"), slug=slug)
    region = get_object_or_404(Region.objects.for_user(user), code=code) if code else None
    if region is None and user.reaches(campaign.organizer):
        region = campaign.organizer
    quotas = Quota.objects.for_user(user).filter(campaign=campaign)
    codes = [region.code] if region else user.region_codes
    if region:
        quotas = quotas.within(region)
        rows = (
            rollups.child_rows(quotas, rollups.child_length(region))
            if region.level < Region.Level.VILLAGE
            else []
        )
    else:
        rows = rollups.rows_for(quotas, codes)
    headline = rollups.Row(code=region.code if region else "", sums=quotas.totals())
    rollups.with_workforce([headline, *rows], codes)
    sort = request.GET.get("sort") if request.GET.get("sort") in SORTS else "code"
    key, reverse = SORTS[sort]
    rows.sort(key=key, reverse=reverse)
    below = _choice(request.GET.get("below"), LAG_THRESHOLDS, 50)
    days = _choice(request.GET.get("days"), CHART_DAYS, 30)
    today = timezone.localdate()
    as_of = summary.fresh_as_of(campaign)
    counts = rollups.breakdowns_for(campaign, codes, today)
    context = {
        "campaign": campaign,
        "region": region,
        "trail": [r for r in [*region.ancestors(), region] if user.reaches(r)] if region else [],
        "headline": headline,
        "rows": rows,
        "sort": sort,
        "lagging": rollups.lagging(quotas, below),
        "below": below,
        "thresholds": LAG_THRESHOLDS,
        "days": days,
        "chart_days": CHART_DAYS,
        "chart": daily_chart(counts.get(Breakdown.Dimension.DAY, {}), today, days),
        "breakdowns": labelled(counts),
        "as_of": as_of,
    }
    return render(request, "dashboards/campaign_dashboard.html", context)


def _choice(raw: str | None, allowed: tuple[int, ...], default: int) -> int:
    return int(raw) if raw and raw.isdigit() and int(raw) in allowed else default


def daily_chart(per_day: dict[str, int], today: dt.date, days: int) -> dict:
    """Bars for the last `days` days, ready for an SVG drawn by the template (no script, no CDN)."""
    dates = [today - dt.timedelta(days=n) for n in range(days - 1, -1, -1)]
    counts = [per_day.get(day.isoformat(), 0) for day in dates]
    peak = max(counts) or 1
    bars = [
        {
            "x": i * 10,
            "height": round(90 * n / peak, 1),
            "y": round(100 - 90 * n / peak, 1),
            "day": day,
            "n": n,
        }
        for i, (day, n) in enumerate(zip(dates, counts, strict=True))
    ]
    return {"bars": bars, "width": days * 10, "peak": max(counts), "total": sum(counts)}


LABELS = {
    Breakdown.Dimension.OCCUPATION: dict(Enrollment.Occupation.choices),
    Breakdown.Dimension.SEX: dict(Worker.Sex.choices),
    Breakdown.Dimension.FUNDING: dict(FundingSource.Kind.choices),
}


def labelled(counts: dict[str, dict[str, int]]) -> list[dict]:
    """Each breakdown but the daily one, largest first, with the labels users read."""
    shown = []
    for dimension, label in Breakdown.Dimension.choices:
        if dimension == Breakdown.Dimension.DAY:
            continue
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
