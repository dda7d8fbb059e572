"""Import pages: upload, the dry run's preview, columns to map, commit or confirm, the list, undo."""

from __future__ import annotations

import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.formatting import grouped
from config.forms import parse_ids
from config.requests import AuthenticatedHttpRequest

from . import reconcile, registered, services, tasks
from .blank import problem_rows_xlsx, template_csv, template_xlsx
from .forms import ConfirmListForm, MappingForm, UndoForm, UploadForm
from .kinds import KINDS, labels_for
from .models import ImportBatch
from .reading import ImportFileError

State = ImportBatch.State
SHOWN_PROBLEMS = 200  # the page lists the first ones; the errors download has them all


def _label(column: str, kind: str = ImportBatch.Kind.SIGNUPS) -> str:
    """A column by the name the user knows (Tanggal lahir), not our field's (birth_date)."""
    return str(labels_for(kind).get(column, column))


def _may_import(user, kind: str) -> bool:
    if kind in KINDS:
        return KINDS[kind].may_upload(user)
    return (
        user.acts_as_official
        if kind == ImportBatch.Kind.BRANCH_LIST
        else bool(user.role or user.is_superuser)
    )


@login_required
def import_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    batches = ImportBatch.objects.for_user(request.user).select_related("campaign", "uploaded_by", "region")
    page = Paginator(batches, 30).get_page(request.GET.get("page"))
    return render(request, "imports/import_list.html", {"page": page})


@login_required
def import_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    kind = request.GET.get("kind", ImportBatch.Kind.SIGNUPS)
    if kind not in ImportBatch.Kind.values:
        raise Http404
    if not _may_import(request.user, kind):
        raise PermissionDenied
    if kind in KINDS and KINDS[kind].upload_url:  # a kind that asks more than a file has its own page
        return redirect(KINDS[kind].upload_url)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user, kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batch = services.import_upload(
            kind=kind,
            campaign=data["campaign"],
            data=data["file"].read(),
            file_name=data["file"].name,
            by=request.user,
            reserve_if_full=data.get("reserve_if_full", True),
            region=data.get("region"),
        )
        tasks.start(batch, "check")
        return redirect("imports:detail", pk=batch.pk)
    return render(request, "imports/import_new.html", {"form": form, "kind": kind})


def _batch(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.for_user(request.user).select_related("campaign", "uploaded_by", "region"), pk=pk
    )


def _own(request: AuthenticatedHttpRequest, pk: int) -> ImportBatch:
    """A batch only its uploader may act on (it is their file); others who may see it get 403."""
    batch = _batch(request, pk)
    if batch.uploaded_by_id != request.user.pk:
        raise PermissionDenied
    return batch


@login_required
def import_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    own = batch.uploaded_by_id == request.user.pk
    context = {"batch": batch, "own": own, "stalled": batch.stalled()}
    if request.htmx and not batch.running:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # the job is over: the whole page changes
        return response
    if request.htmx:
        return render(request, "imports/includes/progress.html", context)
    if batch.state == State.MAPPING and own:
        context["mapping"] = _mapping_form(batch)
    if batch.state == State.CHECKED and own and batch.kind == ImportBatch.Kind.BRANCH_LIST:
        context["confirm"] = ConfirmListForm(batch=batch)
    made_today = batch.committed_at and timezone.localtime(batch.committed_at).date() == timezone.localdate()
    if batch.state == State.DONE and not batch.undone_at and own and made_today:
        context["undo"] = UndoForm()
    context["problems"] = [
        (row, _label(column, batch.kind), message) for row, column, message in batch.problems[:SHOWN_PROBLEMS]
    ]
    context["more_problems"] = max(0, len(batch.problems) - SHOWN_PROBLEMS)
    context["problem_rows"] = len({row for row, _column, _message in batch.problems})
    context["row_warnings"] = sum(1 for row, _column, _message in batch.warnings if row)
    context["open_categories"] = ("ready", "unverified", "conflict")
    context["unverified_count"] = batch.summary.get("counts", {}).get("unverified", 0)
    registered = KINDS.get(batch.kind)
    if registered:
        context["open_categories"] = registered.open_categories
        context["confirm_registered"] = batch.state == State.CHECKED and own
        context["registered"] = registered
        context["confirm_label"] = registered.confirm_label(batch.valid)
        context["done_message"] = registered.done_label % {
            "count": grouped(batch.enrolled),
            "when": date_format(timezone.localtime(batch.committed_at), "DATETIME_FORMAT")
            if batch.committed_at
            else "",
        }
    context["categories"] = [
        (
            name,
            label,
            batch.summary.get("counts", {}).get(name, 0),
            batch.summary.get("examples", {}).get(name, []),
        )
        for name, label in (registered.categories if registered else reconcile.CATEGORIES).items()
    ]
    return render(request, "imports/import_detail.html", context)


def _mapping_form(batch: ImportBatch, data=None) -> MappingForm | None:
    try:
        table = services.load_table(batch)
    except ImportFileError:
        return None
    return MappingForm(data, headers=table.headers, current=table.fields, kind=batch.kind)


@login_required
@require_POST
def import_mapping(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _own(request, pk)
    form = _mapping_form(batch, request.POST)
    if batch.state != State.MAPPING or form is None:
        messages.error(request, _("This file's columns cannot be changed now."))
    elif form.is_valid():
        services.save_mapping(batch=batch, fields=form.fields_in_order(), by=request.user)
        tasks.start(batch, "check")
    else:
        context = {"batch": batch, "own": True, "mapping": form, "stalled": False}
        return render(request, "imports/import_detail.html", context, status=400)
    return redirect("imports:detail", pk=batch.pk)


@login_required
@require_POST
def import_check_again(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Check again: after a failure, a stopped job, or because the campaign changed since."""
    batch = _own(request, pk)
    if batch.state in (State.DONE, State.DISCARDED) or (batch.running and not batch.stalled()):
        messages.error(request, _("This import cannot be checked again."))
    else:
        tasks.start(batch, "check")
    return redirect("imports:detail", pk=batch.pk)


@login_required
@require_POST
def import_commit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _own(request, pk)
    coverage_starts = ""
    if batch.kind == ImportBatch.Kind.BRANCH_LIST:
        form = ConfirmListForm(request.POST, batch=batch)
        if not form.is_valid():
            messages.error(request, " ".join(str(e) for e in form.errors.get("coverage_starts", [])))
            return redirect("imports:detail", pk=batch.pk)
        coverage_starts = form.cleaned_data["coverage_starts"].isoformat()
    # Rows not verified yet that the official ticked by name: the service activates them only if
    # the list still matches them so.
    unverified = parse_ids(request.POST.getlist("unverified"))
    try:
        queued = tasks.start(batch, "commit", coverage_starts, unverified)
    except services.ImportRefused as refused:
        messages.info(request, str(refused))
        return redirect("imports:detail", pk=batch.pk)
    if not queued:
        batch.refresh_from_db()
        if batch.state == State.DONE:
            messages.success(request, _("Saved."))
    return redirect("imports:detail", pk=batch.pk)


@login_required
@require_POST
def import_discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _own(request, pk)
    try:
        services.import_discard(batch, by=request.user)
        messages.success(request, _("The import was discarded and its file deleted."))
    except services.ImportRefused as refused:
        messages.error(request, str(refused))
    return redirect("imports:list")


@login_required
@require_POST
def import_undo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    batch = _own(request, pk)
    form = UndoForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect("imports:detail", pk=batch.pk)
    if batch.kind in KINDS:
        undo, done = registered.undo, str(KINDS[batch.kind].undone)
    elif batch.kind == ImportBatch.Kind.BRANCH_LIST:
        undo, done = reconcile.reconcile_undo, _("Undone: %(count)s enrollments put back.")
    else:
        undo, done = services.import_undo, _("Undone: %(count)s enrollments put back.")
    try:
        count = undo(batch=batch, by=request.user, reason=form.cleaned_data["reason"])
        messages.success(request, done % {"count": count})
    except services.ImportRefused as refused:
        messages.error(request, str(refused))
    return redirect("imports:detail", pk=batch.pk)


@login_required
def import_errors(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The rows with problems as they were in the file, plus a column saying what is wrong: fix them
    and upload this file again. Only the uploader gets it: it is their file, NIKs whole. An XLSX with
    every cell text: fixed in Excel and saved, a NIK keeps its 16 digits and a phone its leading 0
    (a CSV would be turned into numbers again when Excel opens it)."""
    batch = _own(request, pk)
    try:
        table = services.load_table(batch)
    except (ImportFileError, OSError, ValueError):
        messages.error(request, _("The file of this import is no longer kept."))
        return redirect("imports:detail", pk=batch.pk)
    why: dict[int, list[str]] = {}
    for row, column, message in batch.problems:
        why.setdefault(row, []).append(f"{_label(column)}: {message}" if column else message)
    kept = [(cells, "; ".join(why[number])) for number, cells in table.rows if number in why]
    width = max([len(table.headers), *(len(cells) for cells, _why in kept)])  # cells beyond the headers too
    pad = [""] * width
    rows = [[*(cells + pad)[:width], problem] for cells, problem in kept]
    response = HttpResponse(
        problem_rows_xlsx([*(table.headers + pad)[:width], _("problem")], rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    # The uploaded name is the user's: only safe characters go into the header (a newline would break it).
    name = re.sub(r"[^\w.-]+", "_", batch.file_name.rsplit(".", 1)[0])[:60] or "import"
    response["Content-Disposition"] = f'attachment; filename="{_("errors")}-{name}.xlsx"'
    return response


@login_required
def import_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The blank file to fill, ?kind=signups|branch_list&format=xlsx|csv."""
    kind = request.GET.get("kind", ImportBatch.Kind.SIGNUPS)
    if kind not in ImportBatch.Kind.values:
        raise Http404
    extension = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    if extension == "xlsx":
        response = HttpResponse(
            template_xlsx(kind),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="desa100-{kind}-{timezone.localdate():%Y%m%d}.{extension}"'
    )
    return response
