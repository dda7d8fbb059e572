"""The official's review queue and its bulk verify / activate."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import official_required
from config import filter_panel
from config.db_router import reads_from_replica
from config.forms import parse_ids
from config.pagination import CappedPaginator
from config.requests import AuthenticatedHttpRequest

from .. import bulk
from ..filters import ReviewFilter
from ..forms import (
    KpjListForm,
)
from ..models import Enrollment
from .common import back_to

REVIEW_PAGE_SIZES = (50, 100, 200)


@official_required
@reads_from_replica
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Registered entries to verify (oldest first) and verified ones to activate, filtered by area,
    agent, date and warnings, with bulk actions over a page of up to 200."""
    status = request.GET.get("status", Enrollment.Status.REGISTERED)
    if status not in (Enrollment.Status.REGISTERED, Enrollment.Status.VERIFIED):
        status = Enrollment.Status.REGISTERED
    enrollments = (
        Enrollment.objects.for_user_by_villages(request.user)
        .filter(status=status)
        .with_overlap()
        .select_related("worker", "village__parent", "campaign", "entered_by")
    )
    filterset = ReviewFilter(request.GET, queryset=enrollments, user=request.user)
    per_page = next(
        iter(n for n in parse_ids([request.GET.get("per_page", "")]) if n in REVIEW_PAGE_SIZES), 50
    )
    sizes = {"per_page": per_page, "page_sizes": REVIEW_PAGE_SIZES}
    if fields := filter_panel.filter_fields(request, filterset, "enrollment/includes/page_size.html", sizes):
        return fields
    page = CappedPaginator(filterset.qs.order_by("entered_at", "pk"), per_page).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "status": status,
        "activating": status == Enrollment.Status.VERIFIED,  # the tab of verified entries: KPJ per row
        **filter_panel.panel_context(request, filterset),
        **sizes,
        "hidden_filters": {"status": status},
        "kpj_form": KpjListForm(),
        "today": timezone.localdate(),
    }
    return render(request, "enrollment/review_queue.html", context)


@official_required
@require_POST
def review_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Verify or activate the ticked rows, each in its own transaction so one refusal stops none.

    Activation takes each row's KPJ from its box or, as BPJS branch offices send them, from a pasted
    list or a CSV of `NIK,KPJ` lines; the entries of the list's NIKs waiting for activation in the
    user's area are activated even when not ticked."""
    ids = parse_ids(request.POST.getlist("selected"))
    activating = request.POST.get("action") == "activate"
    kpj_form = KpjListForm(request.POST, request.FILES)
    kpj_by_nik = kpj_form.kpj_by_nik() if activating and kpj_form.is_valid() else {}
    if activating and not kpj_form.is_valid():
        for problem in kpj_form.problems():
            messages.error(request, problem)
        return back_to(request, reverse("enrollment:review_queue"))
    in_reach = Enrollment.objects.for_user(request.user).select_related("campaign", "worker", "village")
    chosen = Q(pk__in=ids)
    if kpj_by_nik:
        chosen |= Q(
            worker__nik__in=kpj_by_nik, status__in=(Enrollment.Status.REGISTERED, Enrollment.Status.VERIFIED)
        )
    enrollments = list(in_reach.filter(chosen).order_by("pk"))
    try:
        starts = forms.DateField().clean(request.POST.get("coverage_starts") or timezone.localdate())
    except ValidationError:
        messages.error(request, _("Enter the membership number (KPJ) and the coverage start date."))
        return back_to(request, reverse("enrollment:review_queue"))

    def kpj_for(enrollment: Enrollment) -> str:
        typed = request.POST.get(f"kpj_{enrollment.pk}", "").strip()
        return typed or kpj_by_nik.get(enrollment.worker.nik or "", "")

    done, refused = bulk.enrollment_review_many(
        enrollments=enrollments, by=request.user, activate=activating, kpj_for=kpj_for, coverage_starts=starts
    )
    for enrollment, reason in refused:
        messages.error(request, f"{enrollment.display_name}: {reason}")
    if unmatched := len(set(kpj_by_nik) - {e.worker.nik for e in enrollments}):
        messages.warning(
            request,
            ngettext(
                "%(count)s NIK of the list is not waiting for activation in your area.",
                "%(count)s NIKs of the list are not waiting for activation in your area.",
                unmatched,
            )
            % {"count": unmatched},
        )
    messages.success(request, _("%(count)s enrollments updated.") % {"count": done})
    return back_to(request, reverse("enrollment:review_queue"))
