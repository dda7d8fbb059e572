from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.decorators import official_required
from campaigns.models import Campaign, Quota
from config import filter_panel
from config.db_router import reads_from_replica
from config.forms import parse_ids
from config.pagination import CappedPaginator
from config.requests import AuthenticatedHttpRequest
from enrollment.filters import EnrollmentFilter
from enrollment.models import Enrollment
from regions.models import Region

from . import services
from .exports import Sheet, csv_response, xlsx_response
from .forms import ExportForm, PurposeForm, ReopenForm, SignForm
from .lists import enrollment_columns, enrollment_rows
from .models import ExportLog, SignoffStep

LOG_PER_PAGE = 50


def send_export(file_format: str, filename: str, sheets: list[Sheet], log: ExportLog) -> HttpResponseBase:
    """The file, CSV streamed or XLSX from its temporary file; the log gets its row count at the end."""

    def done(rows: int) -> None:
        services.export_log_finish(log, rows)

    name = f"{slugify(filename)}-{timezone.localdate():%Y-%m-%d}"
    if file_format == ExportLog.Format.CSV:
        return csv_response(sheets[0].columns, sheets[0].rows, name, done)
    return xlsx_response(sheets, name, done)


@login_required
@reads_from_replica
def enrollment_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The enrollment list under the same filters and scope, as CSV or XLSX; NIK and phone masked
    unless an official asks for them whole and says why. Every export is logged."""
    enrollments = Enrollment.objects.for_user(request.user)
    filterset = EnrollmentFilter(request.GET, queryset=enrollments, user=request.user)
    form = ExportForm(request.POST or None, user=request.user, columns=enrollment_columns(whole=False))
    if unknown := unknown_filters(filterset, request.GET):
        messages.error(
            request,
            _("The export does not know these filters, so it would not apply them: %(names)s.")
            % {"names": ", ".join(unknown)},
        )
        return redirect("enrollment:enrollment_list")
    if request.method == "POST" and form.is_valid() and filterset.is_valid():
        whole = form.cleaned_data.get("whole", False)
        chosen = form.cleaned_data["columns"]
        region = (
            Region.objects.for_user(request.user).filter(code=filterset.form.cleaned_data["region"]).first()
        )
        log = services.export_log_start(
            user=request.user,
            kind=ExportLog.Kind.ENROLLMENTS,
            file_format=form.cleaned_data["file_format"],
            area=services.export_area(request.user, region),
            campaign=filterset.form.cleaned_data.get("campaign"),
            filters=applied_parameters(filterset),
            columns=chosen,
            whole=whole,
            purpose=form.cleaned_data.get("purpose", ""),
        )
        columns = [column for column in enrollment_columns(whole=whole) if column.key in chosen]
        sheet = Sheet(_("Enrollments"), columns, enrollment_rows(filterset.qs))
        return send_export(log.file_format, _("enrollments"), [sheet], log)
    if request.method == "POST" and not filterset.is_valid():
        messages.error(request, _("The list's filters are not valid; go back to the list and correct them."))
    context = {"form": form, "filter": filterset, "applied": applied_filters(filterset)}
    return render(request, "reports/enrollment_export.html", context)


NOT_FILTERS = {"page", "after", "before", filter_panel.PARAM}  # the list's paging and panel: no filters


def _parameters(name: str, field) -> set[str]:
    """The query parameters one filter reads: its name, or its widget's (entered_after, _before)."""
    suffixes = getattr(field.widget, "suffixes", None)
    return {f"{name}_{suffix}" for suffix in suffixes} if suffixes else {name}


def unknown_filters(filterset, query) -> list[str]:
    """Parameters of the address that no filter reads (`?village=…`): refused, because an export that
    ignored them would hand out more than the user asked for, and its log would say otherwise."""
    known = set().union(*(_parameters(name, field) for name, field in filterset.form.fields.items()))
    return sorted(name[:50] for name in query if name not in known | NOT_FILTERS)


def applied_parameters(filterset) -> dict[str, list[str]]:
    """The filters the export applied, as their parameters (for the log): only those with a valid
    value, which are the ones the queryset used."""
    data, cleaned = filterset.form.data, filterset.form.cleaned_data
    applied = set().union(
        *(
            _parameters(name, field)
            for name, field in filterset.form.fields.items()
            if cleaned.get(name) not in (None, "", [], False)
        )
    )
    return {name: data.getlist(name) for name in sorted(applied) if any(data.getlist(name))}


def applied_filters(filterset) -> list[tuple[str, str]]:
    """The filters in use, as the user reads them: label and value ("Status: Aktif")."""
    if not filterset.is_valid():
        return []
    shown = []
    for name, field in filterset.form.fields.items():
        value = filterset.form.cleaned_data.get(name)
        if value in (None, "") or field.widget.is_hidden:
            continue
        if isinstance(value, slice):  # a date range
            text = " \u2013 ".join(date_format(day) if day else "…" for day in (value.start, value.stop))
        else:
            text = str(dict(getattr(field, "choices", ())).get(value, value))
        shown.append((field.label, text))
    return shown


@official_required
@reads_from_replica
def export_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Who exported what: administrators see every export, officials those of their area."""
    logs = (
        ExportLog.objects.for_user(request.user)
        .select_related("user", "campaign")
        .prefetch_related(Prefetch("regions", Region.objects.order_by("code")))
    )
    page = CappedPaginator(logs, LOG_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reports/export_log.html", {"page": page})


def _get_quota_for_user(request: AuthenticatedHttpRequest, slug: str, code: str) -> Quota:
    """A village quota of a campaign the user sees, in their reach, or 404."""
    quotas = Quota.objects.for_user(request.user).filter(campaign__in=Campaign.objects.for_user(request.user))
    return get_object_or_404(
        quotas.select_related("campaign", "village__parent__parent__parent"),
        campaign__slug=slug,
        village__code=code,
    )


@login_required
def village_recap(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponse:
    """The village's list for a campaign, to print on A4 and have signed; its sign-off, step by step.

    NIK and phone numbers are masked; an official may show them whole for a purpose, and that view
    is logged like an export."""
    quota = _get_quota_for_user(request, slug, code)
    purpose_form = PurposeForm(request.POST or None, user=request.user)
    whole = request.method == "POST" and purpose_form.is_valid() and purpose_form.cleaned_data.get("whole")
    workers = list(
        Enrollment.objects.filter(campaign=quota.campaign, village=quota.village)
        .holding_slots()
        .select_related("worker")
        .order_by("full_name", "pk")
    )
    if whole:
        log = services.export_log_start(
            user=request.user,
            kind=ExportLog.Kind.RECAP,
            file_format=ExportLog.Format.PAGE,
            area=[quota.village],
            campaign=quota.campaign,
            whole=True,
            purpose=purpose_form.cleaned_data["purpose"],
        )
        services.export_log_finish(log, len(workers))
    steps = list(quota.signoff_steps.select_related("by"))
    signed = [step for step in steps if step.action == SignoffStep.Action.SIGN]
    context = {
        "quota": quota,
        "signature": signed[-1] if signed and quota.signoff else None,
        "campaign": quota.campaign,
        "village": quota.village,
        "district": quota.village.parent,
        "regency": quota.village.parent.parent if quota.village.parent else None,
        "workers": workers,
        "whole": whole,
        "purpose_form": purpose_form,
        "steps": steps,
        "sign_form": SignForm(initial={"signed_on": timezone.localdate()}),
        "reopen_form": ReopenForm(stages=services.reopen_stages(quota, request.user)),
        "can_sign_off": quota.can_sign_off(request.user),
        "can_reopen": quota.can_reopen(request.user),
        "today": timezone.localdate(),
    }
    return render(request, "reports/village_recap.html", context)


@login_required
@require_POST
def recap_sign_off(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponse:
    """The next step: the village head's signature (a form), or the district's or regency's approval."""
    quota = _get_quota_for_user(request, slug, code)
    if not quota.can_sign_off(request.user):
        raise PermissionDenied
    signature = {}
    if quota.next_signoff == Quota.Signoff.SIGNED:
        form = SignForm(request.POST, request.FILES)
        if not form.is_valid():
            for errors in form.errors.values():
                messages.error(request, " ".join(str(error) for error in errors))
            return redirect("reports:village_recap", slug, code)
        signature = form.cleaned_data
    try:
        expected = parse_ids([request.POST.get("stage", "")])  # the step the page offered
        step = services.signoff_advance(
            quota=quota, by=request.user, expected=expected[0] if expected else -1, **signature
        )
    except services.ReportError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(
            request,
            _("%(village)s: %(step)s.")
            % {"village": quota.village.display_name, "step": step.get_stage_display()},
        )
    return redirect("reports:village_recap", slug, code)


@login_required
@require_POST
def recap_reopen(request: AuthenticatedHttpRequest, slug: str, code: str) -> HttpResponse:
    quota = _get_quota_for_user(request, slug, code)
    if not quota.can_reopen(request.user):
        raise PermissionDenied
    form = ReopenForm(request.POST, stages=services.reopen_stages(quota, request.user))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        expected = parse_ids([request.POST.get("stage", "")])  # the stage the page showed
        try:
            services.signoff_reopen(
                quota=quota,
                by=request.user,
                reason=form.cleaned_data["reason"],
                expected=expected[0] if expected else -1,
                to=form.cleaned_data["to"],
            )
        except services.ReportError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request,
                _("Reopened: the list of %(village)s can be changed again.")
                % {"village": quota.village.display_name},
            )
    return redirect("reports:village_recap", slug, code)


@login_required
def signoff_scan(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The scanned signed page, to users who see the village's recap; never a public media address."""
    step = get_object_or_404(
        SignoffStep.objects.filter(quota__in=Quota.objects.for_user(request.user)).select_related("quota"),
        pk=pk,
    )
    if not step.scan:
        raise Http404
    return FileResponse(
        step.scan.open("rb"), as_attachment=True, filename=(step.scan.name or "").rsplit("/", 1)[-1]
    )
