"""Target lists (upload with the handover record, their rounds, withdrawal), the agent's worklist and
what they found, and a campaign's rules of who it is for with their preview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import agent_required, official_required
from campaigns.models import Campaign, Quota
from config.forms import parse_ids
from config.requests import AuthenticatedHttpRequest
from enrollment.models import Enrollment, Worker
from enrollment.nearby import Reason
from enrollment.rules import EnrollmentError
from imports import tasks

from . import lists, preview
from .duplicates import near_duplicate_decide
from .forms import EligibilityForm, TargetListForm, VisitForm, WithdrawForm, WorklistSearch
from .models import NearDuplicate, TargetList, TargetPerson
from .services import TargetingError, target_list_upload, visit_record

WORKLIST_PAGE = 50
OFFLINE_LIMIT = 3000  # people a phone keeps for its village (the largest desa lists hold some 2,000)


@official_required
def target_list_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    target_lists = TargetList.objects.for_user(request.user).select_related("region", "created_by")
    page = Paginator(target_lists, 30).get_page(request.GET.get("page"))
    return render(request, "targeting/targetlist_list.html", {"page": page})


@official_required
def target_list_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TargetListForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        target_list = target_list_upload(
            target_list=form.save(commit=False), data=upload.read(), file_name=upload.name, by=request.user
        )
        batch = lists.batch_of(target_list)
        tasks.start(batch, "check")
        return redirect("imports:detail", pk=batch.pk)
    return render(request, "targeting/targetlist_form.html", {"form": form})


def _target_list(request: AuthenticatedHttpRequest, pk: int) -> TargetList:
    return get_object_or_404(TargetList.objects.for_user(request.user).select_related("region"), pk=pk)


@official_required
def target_list_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target_list = _target_list(request, pk)
    context = {
        "target_list": target_list,
        "by_desil": [(desil, target_list.by_desil.get(str(desil), 0)) for desil in range(1, 11)],
        "withdraw": WithdrawForm() if target_list.can_withdraw(request.user) else None,
    }
    return render(request, "targeting/targetlist_detail.html", context)


@official_required
@require_POST
def target_list_withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    target_list = _target_list(request, pk)
    if not (verdict := target_list.can_withdraw(request.user)):
        raise PermissionDenied(verdict.reason)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        count = lists.target_list_withdraw(
            target_list=target_list, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The list is withdrawn: %(count)s people deleted.") % {"count": count})
    else:
        messages.error(request, _("Give a reason."))
    return redirect("targeting:list_detail", pk=target_list.pk)


@login_required
def worklist(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The agent's people to reach, lowest decile first, households together; searchable by name,
    RT/RW or KK. Each opens the entry form filled with what the list knows (static/js/worklist.js)."""
    search = WorklistSearch(request.GET, user=request.user)
    query = search.cleaned_data["q"].strip() if search.is_valid() else ""
    village = search.cleaned_data.get("village") if search.is_valid() else None
    if village is None:  # an official's reach is too large for one list: they name a village
        return render(request, "targeting/worklist.html", {"search": search, "choose": True})
    people = (
        TargetPerson.objects.for_user(request.user)
        .worklist()
        .filter(village=village)
        .select_related("village")
    )
    if query:
        digits = query.replace(" ", "")
        people = people.filter(
            Q(full_name__icontains=query) | Q(rt_rw__startswith=query) | Q(kk_number=digits)
        )
    if request.GET.get("visited") != "1":
        people = people.filter(outcome=None)
    page = Paginator(people, WORKLIST_PAGE).get_page(request.GET.get("page"))
    quotas = _entry_quotas(request, {person.village_id for person in page})
    rows = [(person, quotas.get(person.village_id)) for person in page]
    context = {
        "page": page, "rows": rows, "search": search, "query": query, "visit_form": VisitForm(), "village": village,
    }  # fmt: skip
    return render(request, "targeting/worklist.html", context)


def _entry_quotas(request: AuthenticatedHttpRequest, villages: set[int]) -> dict[int, int]:
    """The open quota the entry form preselects for each village (the first campaign by name)."""
    found: dict[int, int] = {}
    for quota_id, village_id in (
        Quota.objects.open_for(request.user).filter(village__in=villages).values_list("pk", "village")
    ):
        found.setdefault(village_id, quota_id)
    return found


@agent_required
@require_GET
def worklist_data(request: AuthenticatedHttpRequest) -> JsonResponse:
    """What the phone keeps to fill the entry form offline: only the user's own villages' people still
    to reach, only what the form takes. Served to agents only (an official's reach is too large)."""
    people = TargetPerson.objects.for_user(request.user).worklist().filter(outcome=None)[:OFFLINE_LIMIT]
    data = [
        {
            "id": person.pk,
            "nik": person.nik,
            "name": person.full_name,
            "kk": person.kk_number,
            "born": person.birth_date.isoformat() if person.birth_date else "",
            "sex": person.sex,
        }
        for person in people
    ]
    response = JsonResponse({"people": data})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def visit_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(TargetPerson.objects.for_user(request.user).select_related("village"), pk=pk)
    form = VisitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose what you found."))
    else:
        try:
            visit_record(person=person, by=request.user, **form.cleaned_data)
            messages.success(
                request, _("Recorded for %(name)s.") % {"name": person.full_name or person.masked_nik}
            )
        except TargetingError as refused:
            messages.error(request, str(refused))
    return redirect(f"{reverse('targeting:worklist')}?{urlencode({'village': person.village.code})}")


@official_required
def campaign_eligibility(request: AuthenticatedHttpRequest, slug: str) -> HttpResponse:
    """Who the campaign is for, and how many of the target lists each rule keeps, by regency or village."""
    campaign = get_object_or_404(
        Campaign.objects.for_user(request.user).select_related("organizer"), slug=slug
    )
    may_change = bool(campaign.can_change(request.user))
    form = EligibilityForm(request.POST or None, instance=campaign)
    if request.method == "POST":
        if not may_change:
            raise PermissionDenied
        if "recount" in request.POST:
            preview.ask_count(campaign)
            return redirect("targeting:campaign_eligibility", slug=campaign.slug)
        if form.is_valid():
            form.save()  # the page counts again: the rules it was counted for changed
            messages.success(request, _("The rules of who the campaign is for are saved."))
            return redirect("targeting:campaign_eligibility", slug=campaign.slug)
    context = {
        "campaign": campaign,
        "form": form,
        "may_change": may_change,
        "preview": preview.eligibility_preview(request.user, campaign),
    }
    if request.htmx:  # the preview polling while it is counted
        return render(request, "targeting/includes/eligibility_preview.html", context)
    return render(request, "targeting/campaign_eligibility.html", context)


@official_required
def near_duplicate_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Pairs of workers the nightly search found may be one person, for the official to decide."""
    pairs = (
        NearDuplicate.objects.for_user(request.user)
        .open()
        .exclude(second=None)
        .select_related("first", "second", "village__parent")
    )
    page = Paginator(pairs, 20).get_page(request.GET.get("page"))
    workers = {worker for pair in page for worker in (pair.first_id, pair.second_id)}
    seen: dict[int, list[Enrollment]] = {}
    for enrollment in (
        Enrollment.objects.for_user(request.user)
        .filter(worker__in=workers)
        .select_related("campaign", "village")
        .order_by("-entered_at")
    ):
        seen.setdefault(enrollment.worker_id, []).append(enrollment)
    rows = [(pair, seen.get(pair.first_id, []), seen.get(pair.second_id, [])) for pair in page]
    return render(
        request, "targeting/nearduplicate_list.html", {"page": page, "rows": rows, "reasons": Reason.LABELS}
    )


@official_required
@require_POST
def near_duplicate_decide_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    pair = get_object_or_404(NearDuplicate.objects.for_user(request.user), pk=pk)
    if not (verdict := pair.can_decide(request.user)):
        raise PermissionDenied(verdict.reason)
    same = request.POST.get("decision") == "same"
    keep_ids = parse_ids([request.POST.get("keep", "")])
    keep = None
    if same:
        if not keep_ids or keep_ids[0] not in (pair.first_id, pair.second_id):
            messages.error(request, _("Choose which of the two stays."))
            return redirect("targeting:near_duplicate_list")
        keep = Worker.objects.get(pk=keep_ids[0])
    try:
        decided = near_duplicate_decide(pair=pair, same=same, keep=keep, by=request.user)
    except EnrollmentError as refused:
        messages.error(request, str(refused))
        return redirect("targeting:near_duplicate_list")
    if same:
        messages.success(
            request, _("Merged: %(count)s enrollments now belong to one worker.") % {"count": decided.merged}
        )
    else:
        messages.success(request, _("Kept as different people: this pair is not asked again."))
    return redirect("targeting:near_duplicate_list")
