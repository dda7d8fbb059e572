from __future__ import annotations

import uuid
from collections import defaultdict

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Q
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from accounts.decorators import official_required
from campaigns.models import Campaign, Quota
from config.db_router import reads_from_replica
from config.forms import parse_ids
from config.pagination import CappedPaginator, keyset_page
from config.requests import AuthenticatedHttpRequest
from regions.models import Region

from . import lapse, services
from .erasure import worker_erase
from .filters import EnrollmentFilter, ReviewFilter
from .forms import (
    HEIR_PREFIXES,
    ActivateForm,
    CardForm,
    DeclarationForm,
    EnrollmentForm,
    KpjListForm,
    ReasonForm,
)
from .lapse import CoverageState
from .models import COVER_ENDED, RENEW_WITHIN_DAYS, Enrollment, Heir, Worker
from .nik import check_nik, nik_digits

PER_PAGE = 25
QUOTA_PICKER_LIMIT = 20
REVIEW_PAGE_SIZES = (50, 100, 200)


def _get_enrollment_for_user(request: AuthenticatedHttpRequest, pk: int) -> Enrollment:
    """An enrollment in the user's area, or 404: outsiders do not learn that it exists."""
    enrollments = Enrollment.objects.for_user(request.user).select_related(
        "worker",
        "village__parent",
        "campaign",
        "funding_source",
        "entered_by",
        "verified_by",
        "activated_by",
        "closed_by",
    )
    return get_object_or_404(enrollments, pk=pk)


def _back(request: AuthenticatedHttpRequest, default: str) -> HttpResponse:
    """Back to the page the form came from (this site only), else `default`."""
    target = request.POST.get("next", "")
    # A path of this site only: "-1" or "javascript:…" is not one (redirect() would try to reverse
    # "-1" as a URL name and fail with a server error).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def _refused(request: AuthenticatedHttpRequest, enrollment: Enrollment) -> PermissionDenied:
    """The 403 for a change the user may not make, saying why when it is the signed list."""
    if enrollment.quota.locks_out(request.user):
        return PermissionDenied(enrollment.quota.lock_message())
    return PermissionDenied()


def _slots_message(quota: Quota) -> str:
    return _("%(village)s: %(filled)s of %(target)s filled.") % {
        "village": quota.village.display_name,
        "filled": quota.filled,
        "target": quota.target,
    }


@login_required
def enrollment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Phone first: campaign and village, NIK, the rest; "save and add another" keeps the village.

    Through htmx, "save and add another" is one small round trip on a weak connection: the answer is
    only the saved message, and the page clears the inputs itself (the `enrollment-saved` event in
    static/js/app.js). A refused entry answers with the whole form, errors shown, in its place.
    """
    if request.method == "POST":
        form = EnrollmentForm(request.POST, user=request.user)
    else:
        form = EnrollmentForm(user=request.user)
        # The only village with a free slot is preselected; a full one never is.
        choices = list(form.quotas.order_by().filter(filled__lt=F("target"))[:2])
        if chosen := request.GET.get("quota") or (choices[0].pk if len(choices) == 1 else None):
            form.initial["quota"] = chosen
    enrollment = _register(request, form) if form.is_valid() else None
    if request.headers.get("X-Desa100-Queue"):
        return _queue_answer(request, form, enrollment)
    if enrollment and "add_another" in request.POST:
        if request.htmx:  # the next worker's entry gets a key of its own; the village's slots move
            detail = {"key": str(uuid.uuid4()), **_slots_left(form.cleaned_data["quota"])}
            return trigger_client_event(render(request, "includes/messages.html"), "enrollment-saved", detail)
        return redirect(f"{reverse('enrollment:enrollment_create')}?quota={form.cleaned_data['quota'].pk}")
    if enrollment:
        page = reverse("enrollment:enrollment_detail", args=[enrollment.pk])
        return HttpResponseClientRedirect(page) if request.htmx else redirect(page)
    has_quotas = form.quotas.exists()  # the form's own choices: one queryset built
    context = {
        "form": form,
        "village_full": form.village_full,
        "has_quotas": has_quotas,
        "locked": form.locked_lists(),
    }
    if request.htmx:
        response = render(request, "enrollment/includes/entry_form.html", context)
        return reswap(retarget(response, "#entry-form"), "outerHTML show:window:top")  # type: ignore[arg-type]  # htmx takes a modifier after the swap style; django-htmx's type names the style alone
    return render(request, "enrollment/enrollment_form.html", {**context, "queue_texts": _queue_texts()})


def _queue_texts() -> dict[str, str]:
    """What static/js/entry-queue.js says, in the user's language."""
    return {
        "required": _("This field is required."),
        "nik": _("A NIK has 16 digits and holds a real birth date."),
        "age": _("The worker is %(age)s; this campaign enrolls workers aged %(min)s to %(max)s."),
        "queued": _("No connection: the entry is kept on this phone and sent when the connection returns."),
        "signedOut": _("Your session has ended: the entry is kept on this phone. Sign in again to send it."),
        "restored": _("What you were typing has been restored."),
        "flushed": _("The entries kept on this phone have been sent: see below what the server said."),
        "waiting": _("Waiting"),
        "attention": _("Needs attention"),
        "sent": _("Saved"),
        "reserve": _("On the reserve list"),
        "fix": _("Fix and send again"),
    }


def _slots_left(quota: Quota) -> dict:
    """The village's slots for the page to show; `_register` has just read them after the save."""
    text = ngettext("%(count)s slot left", "%(count)s slots left", quota.left) % {"count": quota.left}
    return {"quota": quota.pk, "left": quota.left, "slots": text}


def _queue_answer(
    request: AuthenticatedHttpRequest, form: EnrollmentForm, enrollment: Enrollment | None
) -> JsonResponse:
    """The phone's queue (static/js/entry-queue.js) sends entries typed offline one by one and keeps
    what the server said for each: saved, on the reserve list, or refused with the reasons (the
    entry stays on the phone to fix and send again). A few hundred bytes each way."""
    said = [str(message) for message in messages.get_messages(request)]  # shown here, not on a later page
    if enrollment is None:
        errors = [str(error) for error in form.non_field_errors()]
        errors += [
            f"{form[name].label}: {error}"
            for name in form.errors
            if name != "__all__"
            for error in form.errors[name]
        ]
        return JsonResponse(
            {
                "result": "refused",
                "message": " ".join(errors),
                "village_full": getattr(form, "village_full", False),
            }
        )
    result = "reserve" if enrollment.status == Enrollment.Status.RESERVE else "saved"
    return JsonResponse(
        {"result": result, "message": " ".join(said), **_slots_left(form.cleaned_data["quota"])}
    )


def _register(request: AuthenticatedHttpRequest, form: EnrollmentForm) -> Enrollment | None:
    """Enroll from a valid form; a refusal becomes a form error (a full village also offers the reserve list)."""
    quota = form.cleaned_data["quota"]
    try:
        enrollment = services.enrollment_register(
            campaign=quota.campaign,
            village=quota.village,
            nik=form.cleaned_data["nik"],
            declaration=form.declaration(),
            heirs=form.heirs(),
            funding_source=form.cleaned_data["funding_source"],
            entered_by=request.user,
            reserve_if_full=request.POST.get("reserve_if_full") == "1",
            entry_key=form.cleaned_data["entry_key"],
        )
    except services.EnrollmentError as refused:
        form.village_full = isinstance(refused, services.VillageFull)
        form.add_error(None, str(refused))
        return None
    quota.refresh_from_db(fields=["filled", "target"])  # once: the message and the page's count
    if enrollment.status == Enrollment.Status.RESERVE:
        messages.info(
            request,
            _("%(name)s is on the reserve list of %(village)s.")
            % {"name": enrollment.full_name, "village": quota.village.display_name},
        )
    else:
        messages.success(
            request,
            _("%(name)s enrolled. %(slots)s")
            % {"name": enrollment.full_name, "slots": _slots_message(quota)},
        )
    for warning in form.warnings:
        messages.warning(request, str(warning))
    return enrollment


@login_required
def quota_picker(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open village quotas in the user's reach matching the text: the entry form's village choice
    for users with too many villages for a list (EnrollmentForm.quota_picker)."""
    query = request.GET.get("q", "").strip()
    quotas = []
    if len(query) >= 2:
        quotas = list(
            Quota.objects.open_for(request.user)
            .filter(Q(village__name__icontains=query) | Q(village__code__startswith=query))
            .select_related("village__parent")[:QUOTA_PICKER_LIMIT]
        )
    return render(request, "enrollment/includes/quota_choices.html", {"quotas": quotas, "query": query})


@login_required
@require_POST
def nik_check(request: AuthenticatedHttpRequest) -> HttpResponse:
    """As the agent types the NIK: what it says (birth date, sex, the district that issued it, by
    name) or what is wrong with it; htmx fills the birth date and sex inputs out of band. With the
    village chosen, it warns when the NIK is from another district and says "already enrolled in this
    campaign" exactly as saving would, and nothing more. A POST, so that no NIK lands in a log."""
    check = check_nik(request.POST.get("nik", ""))
    context: dict[str, object] = {"check": check, "returning": None}
    if check.valid:
        nik, born, _sex = check.identity()
        # A returning worker is prefilled only from what the user's own area recorded; a NIK known
        # only elsewhere says nothing at all (DESIGN.md invariant 4).
        returning = Enrollment.objects.for_user(request.user).latest_declaration_of(nik)
        context.update(returning=returning, prefill=_prefill(returning) if returning else None)
        context["district"] = Region.objects.filter(code=check.district_code).select_related("parent").first()
        ids = parse_ids(request.POST.getlist("quota")[:1])
        quota = Quota.objects.open_for(request.user).filter(pk=ids[0]).first() if ids else None
        if quota:
            context["other_district"] = quota.village.code[:8] != check.district_code
            # The campaign's ages now, not only when the agent saves after typing everything else.
            context["age_problem"] = services.age_problem(quota.campaign, born, timezone.localdate())
            worker = Worker.objects.filter(nik=nik).first()
            if worker and Enrollment.objects.open_in(quota.campaign).filter(worker=worker).exists():
                context["already"] = str(services.already_enrolled(worker, quota.campaign, request.user))
    return render(request, "enrollment/includes/nik_check.html", context)


def _prefill(enrollment: Enrollment) -> dict[str, str]:
    """The entry form's inputs (by id) filled from an earlier enrollment; the page fills only empty ones."""
    values = {f"id_{name}": str(getattr(enrollment, name)) for name in Enrollment.TYPED}
    for prefix, heir in zip(HEIR_PREFIXES, enrollment.heirs.all(), strict=False):
        values.update(
            {
                f"id_{prefix}_name": heir.name,
                f"id_{prefix}_relationship": heir.relationship,
                f"id_{prefix}_nik": heir.nik,
            }
        )
    return values


@login_required
@reads_from_replica
def enrollment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return redirect(_list_address(request))
    enrollments = Enrollment.objects.for_user(request.user).select_related("worker", "village", "campaign")
    filterset = EnrollmentFilter(request.GET, queryset=enrollments, user=request.user)
    page = keyset_page(filterset.qs, request.GET, PER_PAGE)  # newest first, never a COUNT of millions
    context = {"filter": filterset, "page": page, **_drill_down(request)}
    return render(request, "enrollment/enrollment_list.html", context)


def _list_address(request: AuthenticatedHttpRequest) -> str:
    """The filter form is posted, so that a NIK typed in the search never travels in an address: a
    NIK becomes the id of the worker it names inside the user's area (0 when none), other filters
    go into the query string as usual."""
    params = request.POST.copy()
    for name in ("csrfmiddlewaretoken", "before", "after", "worker"):
        params.pop(name, None)
    digits = nik_digits(params.get("q", ""))
    if len(digits) == 16 and digits.isdigit():
        found = (
            Enrollment.objects.for_user(request.user).filter(worker__nik=digits).values("worker_id").first()
        )
        params["worker"] = str(found["worker_id"] if found else 0)
        params.pop("q")
    return f"{reverse('enrollment:enrollment_list')}?{params.urlencode()}"


def _drill_down(request: AuthenticatedHttpRequest) -> dict:
    """Province → regency → district → village links for the region filter, inside the user's reach:
    the chosen region with the regions above it, and the ones below it to narrow down to."""
    in_reach = Region.objects.for_user(request.user)
    current = in_reach.filter(code=request.GET.get("region", "").strip()).first()
    if current is None:
        starts = (
            in_reach.filter(level=Region.Level.PROVINCE)
            if request.user.is_superuser
            else request.user.regions.all()
        )
        return {"region": None, "region_path": [], "region_children": list(starts.order_by("code"))}
    path = [r for r in current.ancestors() if request.user.reaches(r)]
    children = (
        in_reach.filter(parent=current).order_by("code") if current.level < Region.Level.VILLAGE else []
    )
    return {"region": current, "region_path": path, "region_children": list(children)}


@login_required
def enrollment_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _get_enrollment_for_user(request, pk)
    history = enrollment.history.select_related("history_user").order_by("-history_date")
    heir_history = Heir.history.filter(enrollment_id=enrollment.pk).select_related("history_user")
    context = {
        "enrollment": enrollment,
        "worker": enrollment.worker,
        "heirs": enrollment.heirs.current(),
        "changes": _changes(history),
        "heir_changes": _changes(heir_history.order_by("-history_date", "-history_id"), by="id"),
        "can": {
            action: getattr(enrollment, f"can_{action}")(request.user)
            for action in (
                "verify",
                "activate",
                "reject",
                "hand_over_card",
                "correct",
                "cancel",
                "erase",
                "claim",
            )
        },
        **_coverage(enrollment),
        # Why the list can no longer be changed here, when its village has signed it off.
        "locked": enrollment.quota.lock_message() if enrollment.quota.locks_out(request.user) else "",
        "activate_form": ActivateForm(
            initial={"coverage_starts": timezone.localdate(), "kpj_number": enrollment.worker.kpj_number}
        ),
        "card_form": CardForm(),
    }
    return render(request, "enrollment/enrollment_detail.html", context)


def _coverage(enrollment: Enrollment) -> dict:
    """How the active worker's contributions stand today, with the badge that says it."""
    state = enrollment.coverage_state(timezone.localdate())
    if state is None:
        return {"coverage_state": None}
    return {"coverage_state": CoverageState(state), "coverage_badge": lapse.BADGES[state]}


def _changes(history, by: str | None = None) -> list[dict]:
    """Each historical record with what changed from the one before, in the user's words: field label,
    old and new value (choices shown by their label). Who-fields are left out: the record's user says who.

    `by` names the field that tells apart several objects in one history (the heirs of an enrollment):
    each record is compared with the one before it of the same object.
    """
    records = list(history)
    rows = []
    for index, newer in enumerate(records):
        older = next(
            (r for r in records[index + 1 :] if not by or getattr(r, by) == getattr(newer, by)), None
        )
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                field = newer.instance._meta.get_field(change.field)
                if field.is_relation:
                    continue
                labels = dict(field.flatchoices)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": labels.get(change.old, change.old),
                        "new": labels.get(change.new, change.new),
                    }
                )
        rows.append({"record": newer, "changes": changes})
    return rows


@login_required
def enrollment_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _get_enrollment_for_user(request, pk)
    if not enrollment.can_correct(request.user):
        raise _refused(request, enrollment)
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


def _reason_action(
    request: AuthenticatedHttpRequest, enrollment: Enrollment, action, done: str, title: str, note: str = ""
) -> HttpResponse:
    form = ReasonForm(request.POST or None)
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
    enrollment = _get_enrollment_for_user(request, pk)
    if not enrollment.can_cancel(request.user):
        raise _refused(request, enrollment)
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
    enrollment = _get_enrollment_for_user(request, pk)
    if not enrollment.can_erase(request.user):
        raise PermissionDenied
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
    )


@official_required
def enrollment_reject(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _get_enrollment_for_user(request, pk)
    if not enrollment.can_reject(request.user):
        raise PermissionDenied
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
    enrollment = _get_enrollment_for_user(request, pk)
    _run(request, services.enrollment_verify, _("Enrollment verified."), enrollment=enrollment)
    return _back(request, reverse("enrollment:enrollment_detail", args=[pk]))


@official_required
@require_POST
def enrollment_activate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _get_enrollment_for_user(request, pk)
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
    enrollment = _get_enrollment_for_user(request, pk)
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


@official_required
@reads_from_replica
def review_queue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Registered entries to verify (oldest first) and verified ones to activate, filtered by area,
    agent, date and warnings, with bulk actions over a page of up to 200."""
    status = request.GET.get("status", Enrollment.Status.REGISTERED)
    if status not in (Enrollment.Status.REGISTERED, Enrollment.Status.VERIFIED):
        status = Enrollment.Status.REGISTERED
    enrollments = (
        Enrollment.objects.for_user(request.user)
        .filter(status=status)
        .with_overlap()
        .select_related("worker", "village__parent", "campaign", "entered_by")
    )
    filterset = ReviewFilter(request.GET, queryset=enrollments, user=request.user)
    per_page = next(
        iter(n for n in parse_ids([request.GET.get("per_page", "")]) if n in REVIEW_PAGE_SIZES), 50
    )
    page = CappedPaginator(filterset.qs.order_by("entered_at", "pk"), per_page).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "status": status,
        "activating": status == Enrollment.Status.VERIFIED,  # the tab of verified entries: KPJ per row
        "filter": filterset,
        "per_page": per_page,
        "page_sizes": REVIEW_PAGE_SIZES,
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
        return _back(request, reverse("enrollment:review_queue"))
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
        return _back(request, reverse("enrollment:review_queue"))
    done = 0
    for enrollment in enrollments:
        try:
            if activating:
                kpj = request.POST.get(f"kpj_{enrollment.pk}", "").strip() or kpj_by_nik.get(
                    enrollment.worker.nik, ""
                )
                services.enrollment_activate(
                    enrollment=enrollment, by=request.user, kpj_number=kpj, coverage_starts=starts
                )
            else:
                services.enrollment_verify(enrollment=enrollment, by=request.user)
            done += 1
        except services.EnrollmentError as refused:
            messages.error(request, f"{enrollment.display_name}: {refused}")
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
    return _back(request, reverse("enrollment:review_queue"))


@official_required
@reads_from_replica
def expiring_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Active coverage that ends in the next 30 days or has ended, to renew into a later campaign."""
    enrollments = (
        Enrollment.objects.for_user(request.user)
        .due_for_renewal(timezone.localdate())
        .select_related("worker", "village", "campaign")
        .order_by("coverage_ends", "pk")
    )
    # A village (or district) at a time, to renew all of it with "select every row".
    region = request.GET.get("region", "").strip()[:13]
    if region:
        enrollments = enrollments.filter(village__code__startswith=region)
    page = CappedPaginator(enrollments, PER_PAGE).get_page(request.GET.get("page"))
    # The campaigns each row can renew into, for the whole page in one query.
    context = {
        "page": page,
        "days": RENEW_WITHIN_DAYS,
        "ended": COVER_ENDED,
        "targets": renewal_targets(request.user, page),
        "region": region,
    }
    return render(request, "enrollment/expiring_list.html", context)


def renewal_targets(user, enrollments) -> list[Campaign]:
    """The campaigns some of these workers can be renewed into: an open quota in their village, and
    not the campaign they are in. Each row gets its own as `renew_options`."""
    renewable = defaultdict(list)
    for quota in Quota.objects.open_for(user).filter(village_id__in={e.village_id for e in enrollments}):
        renewable[quota.village_id].append(quota.campaign)
    already_in = set(  # the campaigns each worker is in already: never offered to them
        Enrollment.objects.filter(
            worker_id__in={e.worker_id for e in enrollments}, status__in=Enrollment.OPEN
        ).values_list("worker_id", "campaign_id")
    )
    targets: dict[int, Campaign] = {}
    for enrollment in enrollments:
        enrollment.renew_options = [
            c for c in renewable[enrollment.village_id] if (enrollment.worker_id, c.pk) not in already_in
        ]
        targets.update((c.pk, c) for c in enrollment.renew_options)
    return sorted(targets.values(), key=lambda campaign: campaign.name)


@official_required
@require_POST
def renew_bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Renew the ticked workers into one campaign, each in its own transaction so one refusal (a full
    village, no quota there, already renewed) stops none; the report names who was not renewed, and why."""
    chosen = parse_ids([request.POST.get("campaign", "")])
    campaign = Campaign.objects.for_user(request.user).active().filter(pk__in=chosen).first()
    if campaign is None:
        messages.error(request, _("Choose an active campaign with a quota in this village."))
        return _back(request, reverse("enrollment:expiring_list"))
    ids = parse_ids(request.POST.getlist("selected"))
    enrollments = (
        Enrollment.objects.for_user(request.user).filter(pk__in=ids).select_related("village", "worker")
    )
    renewed = []
    for enrollment in enrollments.order_by("pk"):
        try:
            services.enrollment_renew(enrollment=enrollment, campaign=campaign, by=request.user)
        except services.EnrollmentError as refused:
            messages.error(request, f"{enrollment.display_name}: {refused}")
        else:
            renewed.append(enrollment.display_name)
    messages.success(
        request,
        ngettext(
            "%(count)s worker renewed into %(campaign)s: %(names)s.",
            "%(count)s workers renewed into %(campaign)s: %(names)s.",
            len(renewed),
        )
        % {"count": len(renewed), "campaign": campaign.name, "names": ", ".join(renewed) or "-"},
    )
    return _back(request, reverse("enrollment:expiring_list"))


@official_required
@require_POST
def enrollment_renew(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    enrollment = _get_enrollment_for_user(request, pk)
    chosen = parse_ids([request.POST.get("campaign", "")])
    campaign = Campaign.objects.for_user(request.user).active().filter(pk__in=chosen).first()
    if campaign is None:
        messages.error(request, _("Choose an active campaign with a quota in this village."))
    else:
        try:
            services.enrollment_renew(enrollment=enrollment, campaign=campaign, by=request.user)
        except services.EnrollmentError as refused:
            messages.error(request, f"{enrollment.display_name}: {refused}")  # named, as in the bulk renewal
        else:
            messages.success(request, _("Renewed: a new enrollment is registered."))
    return redirect("enrollment:expiring_list")
