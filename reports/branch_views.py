"""The branches' file layouts (saved once per branch) and the registration file exported in one."""

from __future__ import annotations

import dataclasses

from django.contrib import messages
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from accounts.decorators import official_required
from config.db_router import reads_from_replica
from config.requests import AuthenticatedHttpRequest
from enrollment.models import Enrollment

from . import services
from .branch import DEFAULT_LAYOUT, branch_columns, formatted, registration_rows
from .exports import Sheet
from .forms import BranchFileForm, BranchLayoutForm, LayoutColumnFormSet, layout_columns
from .models import BranchLayout, ExportLog
from .views import send_export


@official_required
def branch_layout_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    layouts = BranchLayout.objects.for_user(request.user).select_related("region", "saved_by")
    return render(request, "reports/branchlayout_list.html", {"layouts": layouts})


@official_required
def branch_layout_edit(request: AuthenticatedHttpRequest, pk: int | None = None) -> HttpResponse:
    """A branch's layout: the file's settings, then its columns in order (a field and its header each)."""
    layout = get_object_or_404(BranchLayout.objects.for_user(request.user), pk=pk) if pk else None
    form = BranchLayoutForm(request.POST or None, instance=layout, user=request.user)
    rows = layout.columns if layout else DEFAULT_LAYOUT
    initial = [{"field": key, "header": header} for key, header in rows]
    initial += [{"field": "", "header": ""}] * 5  # room for more
    formset = LayoutColumnFormSet(request.POST or None, initial=initial, prefix="column")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        if columns := layout_columns(formset):
            saved = form.save(commit=False)
            saved.columns, saved.saved_by = columns, request.user
            saved.save()
            messages.success(request, _("The layout of %(name)s is saved.") % {"name": saved.name})
            return redirect("reports:branch_layout_list")
        messages.error(request, _("Choose at least one column."))
    context = {"form": form, "formset": formset, "layout": layout}
    return render(request, "reports/branchlayout_form.html", context)


@official_required
@reads_from_replica
def branch_file(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The campaign's verified workers not yet active, in the area, as the branch's layout has them:
    whole NIK and phone (the branch registers by them), so a purpose is asked and the export logged."""
    form = BranchFileForm(request.POST or None, user=request.user, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        campaign, layout, region = (form.cleaned_data[name] for name in ("campaign", "layout", "region"))
        enrollments = Enrollment.objects.for_user(request.user).filter(
            campaign=campaign, status=Enrollment.Status.VERIFIED, erasure__isnull=True
        )
        if region:
            enrollments = enrollments.filter(village__code__startswith=region.code)
        available = branch_columns()
        columns = [
            dataclasses.replace(
                formatted(available[key], layout.date_format, layout.grouped_numbers), label=header
            )
            for key, header in layout.columns
            if key in available
        ]
        log = services.export_log_start(
            user=request.user, kind=ExportLog.Kind.REGISTRATION, file_format=layout.file_format,
            area=services.export_area(request.user, region), campaign=campaign,
            filters={"layout": [layout.name], "status": [Enrollment.Status.VERIFIED]},
            columns=[key for key, _header in layout.columns], whole=True, purpose=form.cleaned_data["purpose"],
        )  # fmt: skip
        sheet = Sheet(_("Registration"), columns, registration_rows(enrollments))
        return send_export(log.file_format, f"{layout.name} {campaign.name}", [sheet], log)
    return render(request, "reports/branch_file.html", {"form": form})
