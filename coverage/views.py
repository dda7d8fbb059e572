from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import official_required
from config.db_router import reads_from_replica
from config.pagination import CappedPaginator
from config.requests import AuthenticatedHttpRequest
from enrollment import lapse
from enrollment.lapse import CoverageState
from enrollment.models import Enrollment
from enrollment.renewal import renewal_options

from . import claims, services
from .forms import BehindFilterForm, ClaimForm, DecisionForm
from .models import Claim

PER_PAGE = 50
CLAIM_BADGE = {
    Claim.Status.SUBMITTED: "text-bg-info",
    Claim.Status.PAID: "text-bg-success",
    Claim.Status.REFUSED: "text-bg-secondary",
}


@login_required
@reads_from_replica
def behind_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Active workers with months unpaid: lapsing (1), at risk (2), lapsed (3 or more), in the
    user's area; for an agent, the workers of their villages to chase."""
    today = timezone.localdate()
    form = BehindFilterForm(request.GET or None)
    state = form.cleaned_data.get("state") if form.is_valid() else ""
    region = form.cleaned_data.get("region", "").strip() if form.is_valid() else ""
    enrollments = Enrollment.objects.for_user_by_villages(request.user)
    enrollments = enrollments.in_coverage_state(state, today) if state else enrollments.behind(today)
    if region:
        enrollments = enrollments.filter(village__code__startswith=region)
    enrollments = enrollments.select_related("worker", "village", "campaign").order_by("paid_through", "pk")
    page = CappedPaginator(enrollments, PER_PAGE).get_page(request.GET.get("page"))
    for enrollment in page:
        enrollment.state = CoverageState(enrollment.coverage_state(today))
        enrollment.state_badge = lapse.BADGES[enrollment.state]
    context = {"page": page, "filter": form, "today": today}
    if request.user.acts_as_official:  # lapsed workers may be renewed into another campaign
        context["targets"] = renewal_options(request.user, page)
    return render(request, "coverage/behind_list.html", context)


@official_required
def claim_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a benefit claim for a worker the official oversees."""
    enrollment = get_object_or_404(
        Enrollment.objects.for_user(request.user).select_related("village", "worker"), pk=pk
    )
    if not (verdict := enrollment.can_claim(request.user)):
        raise PermissionDenied(verdict.reason)
    form = ClaimForm(request.POST or None, enrollment=enrollment)
    if form.is_valid():
        try:
            claim = claims.claim_record(enrollment=enrollment, by=request.user, **form.cleaned_data)
        except services.CoverageError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Claim recorded."))
            if claim.outside_cover:
                messages.warning(
                    request,
                    _(
                        "The event falls outside a covered, paid month: BPJS will not pay until the "
                        "missing contributions are paid."
                    ),
                )
            return redirect("coverage:claim_list")
    return render(request, "coverage/claim_form.html", {"form": form, "enrollment": enrollment})


@official_required
@reads_from_replica
def claim_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The claims of the official's area, newest event first, with what has been paid."""
    in_area = Claim.objects.for_user(request.user)
    listed = in_area.select_related("enrollment__village", "enrollment__campaign", "heir")
    page = CappedPaginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    for claim in page:
        claim.badge = CLAIM_BADGE[claim.status]
        claim.decidable = claim.status == Claim.Status.SUBMITTED
    context = {"page": page, "totals": in_area.totals(), "today": timezone.localdate()}
    return render(request, "coverage/claim_list.html", context)


@official_required
@require_POST
def claim_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    claim = get_object_or_404(Claim.objects.for_user(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose paid or refused."))
        return redirect("coverage:claim_list")
    try:
        claims.claim_decide(
            claim=claim,
            paid=form.cleaned_data["decision"] == "paid",
            by=request.user,
            on=form.cleaned_data["decided_on"] or timezone.localdate(),
            reason=form.cleaned_data["reason"],
        )
    except services.CoverageError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Claim updated."))
    return redirect("coverage:claim_list")
