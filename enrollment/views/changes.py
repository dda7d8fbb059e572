"""Changing one enrollment: correct, cancel, erase, reject, verify, activate, the card, a reserve's promotion."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import official_required
from campaigns.models import Quota
from config.requests import AuthenticatedHttpRequest

from .. import services
from ..erasure import worker_erase
from ..forms import (
    ActivateForm,
    CardForm,
    DeclarationForm,
    ErasureForm,
    ReasonForm,
)
from ..models import Enrollment
from .common import back_to, enrollment_for_user


@login_required
def enrollment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = enrollment_for_user(request, pk)
    if not (verdict := enrollment.can_correct(request.user)):
        raise PermissionDenied(verdict.reason)
    form = DeclarationForm(request.POST or None, instance=enrollment)
    if form.is_valid():
        try:
            services.enrollment_update_declaration(
                enrollment=enrollment, declaration=form.declaration(), heirs=form.heirs(), by=request.user
            )
        except services.EnrollmentError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, _("Saved."))
            return redirect("enrollment:enrollment_detail", enrollment.pk)
    return render(request, "enrollment/enrollment_edit.html", {"form": form, "enrollment": enrollment})


@login_required
@require_POST
def enrollment_reminders(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The worker's consent to reminders, per channel, given or withdrawn as they ask."""
    enrollment = enrollment_for_user(request, pk)
    try:
        services.enrollment_reminders_set(
            enrollment=enrollment,
            sms="remind_by_sms" in request.POST,
            whatsapp="remind_by_whatsapp" in request.POST,
            by=request.user,
        )
    except services.EnrollmentError as refused:
        raise PermissionDenied(str(refused)) from None
    messages.success(request, _("Saved."))
    return redirect("enrollment:enrollment_detail", enrollment.pk)


def _reason_action(
    request: AuthenticatedHttpRequest,
    enrollment: Enrollment,
    action,
    done: str,
    title: str,
    note: str = "",
    form: ReasonForm | None = None,
) -> HttpResponse:
    form = form if form is not None else ReasonForm(request.POST or None)
    if form.is_valid():
        try:
            action(enrollment=enrollment, by=request.user, reason=form.cleaned_data["reason"])
        except services.EnrollmentError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, done)
        return redirect("enrollment:enrollment_detail", enrollment.pk)
    return render(
        request,
        "enrollment/enrollment_reason.html",
        {"form": form, "enrollment": enrollment, "title": title, "note": note},
    )


@login_required
def enrollment_cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = enrollment_for_user(request, pk)
    if not (verdict := enrollment.can_cancel(request.user)):
        raise PermissionDenied(verdict.reason)
    return _reason_action(
        request,
        enrollment,
        services.enrollment_cancel,
        _("Enrollment cancelled."),
        _("Cancel the enrollment"),
    )


@login_required
def enrollment_erase(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Erase a worker's personal data on their request (UU 27/2022); counts and totals stay."""
    enrollment = enrollment_for_user(request, pk)
    if not (verdict := enrollment.can_erase(request.user)):
        raise PermissionDenied(verdict.reason)
    return _reason_action(
        request,
        enrollment,
        worker_erase,
        _("The worker's personal data is erased; the enrollment still counts."),
        _("Erase the worker's personal data"),
        note=_(
            "The name, NIK, phone, address, family card number and heirs are removed from every "
            "enrollment of this worker in your area, and from their history. The enrollments keep "
            "their campaign, village, status and dates, so every count stays the same. This cannot be undone."
        ),
        form=ErasureForm(request.POST or None, user=request.user),
    )


@official_required
def enrollment_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = enrollment_for_user(request, pk)
    if not (verdict := enrollment.can_reject(request.user)):
        raise PermissionDenied(verdict.reason)
    return _reason_action(
        request, enrollment, services.enrollment_reject, _("Enrollment rejected."), _("Reject the enrollment")
    )


def _run(request: AuthenticatedHttpRequest, action, done: str, **kwargs) -> None:
    try:
        action(by=request.user, **kwargs)
    except services.EnrollmentError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)


@official_required
@require_POST
def enrollment_verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = enrollment_for_user(request, pk)
    _run(request, services.enrollment_verify, _("Enrollment verified."), enrollment=enrollment)
    return back_to(request, reverse("enrollment:enrollment_detail", args=[pk]))


@official_required
@require_POST
def enrollment_activate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = enrollment_for_user(request, pk)
    form = ActivateForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.enrollment_activate,
            _("Membership recorded; coverage is active."),
            enrollment=enrollment,
            **form.cleaned_data,
        )
    else:
        messages.error(request, _("Enter the membership number (KPJ) and the coverage start date."))
    return redirect("enrollment:enrollment_detail", pk)


@official_required
@require_POST
def enrollment_card(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = enrollment_for_user(request, pk)
    form = CardForm(request.POST)
    if form.is_valid():
        _run(
            request,
            services.enrollment_hand_over_card,
            _("Card hand-over recorded."),
            enrollment=enrollment,
            on=form.cleaned_data["handed_over_on"],
        )
    return redirect("enrollment:enrollment_detail", pk)


@login_required
@require_POST
def quota_promote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Give a freed slot to the first reserve of a village (officials, or the village's agent)."""
    quota = get_object_or_404(
        Quota.objects.for_user(request.user).select_related("campaign", "village"), pk=pk
    )
    _run(
        request,
        services.enrollment_promote_first_reserve,
        _("The first reserve now has the slot."),
        campaign=quota.campaign,
        village=quota.village,
    )
    return redirect(
        f"{reverse('enrollment:enrollment_list')}?campaign={quota.campaign_id}&region={quota.village.code}"
    )
