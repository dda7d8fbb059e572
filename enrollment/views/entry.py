"""The agent's entry: the form (online and from the offline queue), the quota picker, the NIK check."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect, reswap, retarget, trigger_client_event

from campaigns.models import Quota
from config.forms import parse_ids
from config.requests import AuthenticatedHttpRequest
from regions.models import Region

from .. import eligibility, rules, services
from ..forms import (
    HEIR_PREFIXES,
    EnrollmentForm,
)
from ..models import Enrollment
from ..nearby import known_nik, near_duplicates
from ..nik import check_nik, nik_digits
from .common import slots_message

QUOTA_PICKER_LIMIT = 20


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
            quota=quota,  # its counters come back as the slot left them: the message needs no re-read
            known=form.known,  # its worker was read with the near duplicates: not read again
        )
    except services.EnrollmentError as refused:
        form.village_full = isinstance(refused, services.VillageFull)
        form.add_error(None, str(refused))
        return None
    if enrollment.status == Enrollment.Status.RESERVE:
        messages.info(
            request,
            _("%(name)s is on the reserve list of %(village)s.")
            % {"name": enrollment.full_name, "village": quota.village.display_name},
        )
    else:
        messages.success(
            request,
            _("%(name)s enrolled. %(slots)s") % {"name": enrollment.full_name, "slots": slots_message(quota)},
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
    village chosen, it says what the campaign's rules of who it is for find (enrollment.eligibility:
    another district, covered elsewhere, not on the target list, its decile) and "already enrolled in
    this campaign", exactly as saving would, and nothing more. A POST, so that no NIK lands in a log."""
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
            # The campaign's ages and rules now, not only when the agent saves after typing the rest.
            context["age_problem"] = rules.age_problem(quota.campaign, born, timezone.localdate())
            known = known_nik(nik, quota.campaign)
            applicant = eligibility.Applicant(nik, quota.village)
            context["findings"] = eligibility.findings(
                quota.campaign, [applicant], user=request.user, workers=known.workers()
            )[0]
            # Typed under another NIK before? Asked again as the name and KK are typed (the form's
            # trigger), so the agent hears it before saving.
            context["near"] = near_duplicates(
                known, village=quota.village, user=request.user, born=born,
                full_name=request.POST.get("full_name", "")[:150].strip(),
                kk=nik_digits(request.POST.get("kk_number", ""))[:16],
            )  # fmt: skip
            if known.worker and known.may_be_enrolled_in(quota.campaign):
                context["already"] = str(
                    rules.already_enrolled(known.worker.pk, quota.campaign, request.user)
                )
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
