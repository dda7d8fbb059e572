from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from campaigns.models import Campaign
from regions.models import Region


class WorkforceEstimate(models.Model):
    """How many informal workers a region has, as officials estimate it: what coverage is measured
    against ("coverage of informal workers in Purwakarta rose from 65% to 70%").

    Recorded per village where known, else per district, regency or province; a region without its
    own estimate counts the sum of its children's (see `rollups.workforce`)."""

    region = models.OneToOneField(
        Region, verbose_name=_("region"), on_delete=models.PROTECT, related_name="workforce_estimate"
    )
    informal_workers = models.PositiveIntegerField(_("informal workers (estimate)"))
    source = models.CharField(
        _("source"), max_length=200, blank=True, help_text=_('e.g. "BPS Sakernas 2025"')
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("informal workforce estimate")
        verbose_name_plural = _("informal workforce estimates")
        ordering = ["region__code"]

    def __str__(self) -> str:
        return f"{self.region}: {self.informal_workers}"


class Breakdown(models.Model):
    """Enrollments of a campaign in one region counted by one dimension (occupation, sex, age band,
    funding kind, day entered): the analytics table the dashboards read, as DHIS2 does.

    Rebuilt by `refresh_dashboards` for each province, regency and district, so that a dashboard at
    any of those levels reads a few dozen rows instead of counting millions of enrollments. Village
    dashboards count their own enrollments live (a village has a few hundred at most)."""

    class Dimension(models.TextChoices):
        OCCUPATION = "occupation", _("Occupation")
        SEX = "sex", _("Sex")
        AGE = "age", _("Age")
        FUNDING = "funding", _("Funding source")
        DAY = "day", _("Entered on")
        # Which funding source pays (its id, "none" when none is named): where the money went.
        SOURCE = "source", _("Paid by")
        # How the active workers' contributions stand: paid up, lapsing, at risk, lapsed.
        COVERAGE = "coverage", _("Contributions")
        # Workers whose cover overlaps another campaign's: two budgets may be paying for one worker.
        OVERLAP = "overlap", _("Overlapping cover")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    region_code = models.CharField(max_length=13)
    dimension = models.CharField(max_length=12, choices=Dimension.choices)
    value = models.CharField(max_length=40)
    count = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["campaign", "region_code", "dimension"], name="dashboards_breakdown_lookup")
        ]

    def __str__(self) -> str:
        return f"{self.region_code} {self.dimension}={self.value}: {self.count}"


class BreakdownRefresh(models.Model):
    """When a campaign's breakdowns were last rebuilt: the page says "as of" this."""

    campaign = models.OneToOneField(Campaign, on_delete=models.CASCADE, related_name="+")
    refreshed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"{self.campaign_id} @ {self.refreshed_at:%Y-%m-%d %H:%M}"
