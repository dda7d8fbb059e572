from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Left
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import official_required
from config.db_router import reads_from_replica
from config.requests import AuthenticatedHttpRequest
from regions.models import Region

from . import services
from .filters import CampaignFilter
from .forms import (
    QUOTA_SORTS,
    AllocationForm,
    CampaignForm,
    ContributionRateFormSet,
    FundingSourceFormSet,
    QuotaFilterForm,
    QuotaForm,
    QuotaUploadForm,
)
from .models import Campaign, CampaignError, Quota, QuotaQuerySet, QuotaSums
from .services import AllocationError

CAMPAIGNS_PER_PAGE = 20
QUOTAS_PER_PAGE = 50
MAX_DISTRICT_CHOICES = 400  # beyond that a district <select> is too heavy; the search box does the job


def _get_campaign_for_user(request: AuthenticatedHttpRequest, slug: str) -> Campaign:
    """A campaign the user may see, or 404 so that others' campaigns are not even confirmed to exist."""
    return get_object_or_404(
        Campaign.objects.for_user(request.user).select_related("organizer", "activated_by", "closed_by"),
        slug=slug,
    )


def _get_rw_campaign_for_user(request: AuthenticatedHttpRequest, slug: str) -> Campaign:
    """A campaign whose settings the user may change; 403 when they may only look at it."""
    campaign = _get_campaign_for_user(request, slug)
    if not campaign.can_change(request.user):
        raise PermissionDenied
    return campaign


def _get_rw_quotas_for_user(request: AuthenticatedHttpRequest, slug: str) -> tuple[Campaign, QuotaQuerySet]:
    """A campaign and the quotas of it the user may change (those in their reach); 403 for read-only users."""
    campaign = _get_campaign_for_user(request, slug)
    if not campaign.can_change_quotas(request.user):
        raise PermissionDenied
    return campaign, Quota.objects.for_user(request.user).filter(campaign=campaign)


@login_required
@reads_from_replica
def campaign_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.for_user(request.user).select_related("organizer")
    filterset = CampaignFilter(request.GET, queryset=campaigns)
    page = Paginator(filterset.qs.order_by("-starts_on", "name"), CAMPAIGNS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    # The totals in the user's area, for this page's campaigns only (an annotation over the join
    # read every quota of a national campaign: 230 ms for a regency official).
    sums = Quota.objects.for_user(request.user).filter(campaign__in=[c.pk for c in page]).sums_by_campaign()
    for campaign in page:
        totals = sums.get(campaign.pk, QuotaSums())
        campaign.target_total, campaign.filled_total = totals.target, totals.filled
    return render(request, "campaigns/campaign_list.html", {"page": page, "filter": filterset})


@official_required
def campaign_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None, user=request.user)
    if form.is_valid():
        form.instance.created_by = request.user
        campaign = form.save()
        messages.success(
            request, _("Campaign created as a draft. Allocate village quotas, then activate it.")
        )
        return redirect("campaigns:campaign_detail", campaign.slug)
    return render(request, "campaigns/campaign_form.html", {"form": form})


@official_required
def campaign_edit(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = _get_rw_campaign_for_user(request, slug)
    form = CampaignForm(request.POST or None, instance=campaign, user=request.user)
    funding = FundingSourceFormSet(request.POST or None, instance=campaign, prefix="funding")
    rates = ContributionRateFormSet(request.POST or None, instance=campaign, prefix="rates")
    if form.is_valid() and funding.is_valid() and rates.is_valid():
        with transaction.atomic():
            campaign = form.save()
            funding.save()
            rates.save()
        messages.success(request, _("Campaign saved."))
        return redirect("campaigns:campaign_detail", campaign.slug)
    return render(
        request,
        "campaigns/campaign_form.html",
        {"form": form, "funding": funding, "rates": rates, "campaign": campaign},
    )


@login_required
def campaign_detail(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign_for_user(request, slug)
    totals = Quota.objects.for_user(request.user).filter(campaign=campaign).totals()
    committed = totals.target * campaign.cost_per_worker
    context = {
        "campaign": campaign,
        "totals": totals,
        "committed": committed,
        "over_budget": committed > campaign.budget,
        "enrolled_cost": totals.filled * campaign.cost_per_worker,
        "funding_sources": campaign.funding_sources.all(),
        "can_change": campaign.can_change(request.user),
        "can_change_quotas": campaign.can_change_quotas(request.user),
        "can_activate": campaign.can_activate(request.user),
        "can_close": campaign.can_close(request.user),
    }
    return render(request, "campaigns/campaign_detail.html", context)


@official_required
def campaign_status(request: AuthenticatedHttpRequest, slug: str, action: str) -> HttpResponse:
    """Activate or close, after a confirmation page; both record who and when."""
    campaign = _get_rw_campaign_for_user(request, slug)
    committed = campaign.committed if action == "activate" else 0
    over_budget = committed > campaign.budget
    confirmed = not over_budget or request.POST.get("over_budget_confirmed") == "1"
    if request.method == "POST" and not confirmed:
        messages.error(
            request, _("The allocation costs more than the budget: tick the box to activate anyway.")
        )
    elif request.method == "POST":
        try:
            getattr(campaign, action)(by=request.user)
        except CampaignError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("Campaign activated.") if action == "activate" else _("Campaign closed.")
            )
        return redirect("campaigns:campaign_detail", campaign.slug)
    context = {"campaign": campaign, "action": action, "committed": committed, "over_budget": over_budget}
    return render(request, "campaigns/campaign_confirm.html", context)


def _quota_page(request: AuthenticatedHttpRequest, campaign: Campaign):
    quotas = Quota.objects.for_user(request.user).filter(campaign=campaign)
    district_codes = quotas.annotate(d=Left("village__code", 8)).values("d")
    districts = Region.objects.filter(level=Region.Level.DISTRICT, code__in=district_codes)
    # A district list helps within a regency; a province has hundreds of districts (more than the
    # list shows) and the country thousands, so those users search by name or code instead.
    user = request.user
    regency_or_below = not user.is_superuser and all(len(code) >= 5 for code in user.region_codes)
    choices = list(districts[: MAX_DISTRICT_CHOICES + 1]) if regency_or_below and not user.is_agent else []
    form = QuotaFilterForm(request.GET, districts=choices)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    if data.get("q"):
        quotas = quotas.filter(
            Q(village__name__icontains=data["q"]) | Q(village__code__startswith=data["q"].strip())
        )
    if data.get("district"):
        quotas = quotas.filter(village__code__startswith=f"{data['district']}.")
    quotas = quotas.with_fill()
    quotas = quotas.select_related("village__parent").order_by(*QUOTA_SORTS[data.get("sort") or "code"])
    return form, Paginator(quotas, QUOTAS_PER_PAGE).get_page(request.GET.get("page"))


@login_required
@reads_from_replica
def quota_list(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign = _get_campaign_for_user(request, slug)
    form, page = _quota_page(request, campaign)
    context = {
        "campaign": campaign,
        "form": form,
        "page": page,
        "can_change_quotas": campaign.can_change_quotas(request.user),
        "too_many_districts": len(form.fields["district"].choices) > MAX_DISTRICT_CHOICES,
    }
    return render(request, "campaigns/quota_list.html", context)


@official_required
def quota_edit(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Inline edit of one village's target and baseline; htmx swaps the table row."""
    campaign, quotas = _get_rw_quotas_for_user(request, slug)
    quota = get_object_or_404(quotas.select_related("village__parent"), pk=pk)
    form = QuotaForm(request.POST or None, instance=quota)
    if request.method == "POST" and form.is_valid():
        try:
            quota.set_target(
                target=form.cleaned_data["target"], baseline=form.cleaned_data["baseline"], by=request.user
            )
        except CampaignError as error:
            form.add_error("target", str(error))
        else:
            if not request.htmx:
                messages.success(request, _("%(village)s saved.") % {"village": quota.village.display_name})
                return redirect("campaigns:quota_list", campaign.slug)
            return render(
                request,
                "campaigns/includes/quota_row.html",
                {"quota": quota, "campaign": campaign, "can_change_quotas": True},
            )
    template = "campaigns/includes/quota_row_form.html" if request.htmx else "campaigns/quota_edit.html"
    return render(request, template, {"quota": quota, "campaign": campaign, "form": form})


@official_required
@require_POST
def quota_remove(request: AuthenticatedHttpRequest, slug: str, pk: int) -> HttpResponse:
    """Remove a quota given by mistake; one with enrollments is refused with a message."""
    campaign, quotas = _get_rw_quotas_for_user(request, slug)
    quota = get_object_or_404(quotas.select_related("village", "campaign"), pk=pk)
    try:
        quota.remove(by=request.user)
    except CampaignError as error:
        messages.error(request, str(error))
        return redirect("campaigns:quota_edit", campaign.slug, quota.pk)
    messages.success(
        request, _("The quota of %(village)s is removed.") % {"village": quota.village.display_name}
    )
    return redirect("campaigns:quota_list", campaign.slug)


@official_required
def quota_allocate(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign, _quotas = _get_rw_quotas_for_user(request, slug)
    form = AllocationForm(request.POST or None, user=request.user)
    if form.is_valid():
        try:
            result = services.quota_allocate(campaign=campaign, user=request.user, **form.cleaned_data)
        except AllocationError as error:
            for problem in error.problems:
                form.add_error(None, problem)
        else:
            messages.success(
                request,
                _("%(created)s village quotas created, %(updated)s changed.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("campaigns:quota_list", campaign.slug)
    return render(request, "campaigns/quota_allocate.html", {"campaign": campaign, "form": form})


@official_required
def quota_upload(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    campaign, _quotas = _get_rw_quotas_for_user(request, slug)
    form = QuotaUploadForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        try:
            result = services.quota_import_csv(
                campaign=campaign, user=request.user, text=form.cleaned_data["file"]
            )
        except AllocationError as error:
            for problem in error.problems:
                form.add_error("file", problem)
        else:
            messages.success(
                request,
                _("%(created)s village quotas created, %(updated)s changed.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("campaigns:quota_list", campaign.slug)
    return render(request, "campaigns/quota_upload.html", {"campaign": campaign, "form": form})
