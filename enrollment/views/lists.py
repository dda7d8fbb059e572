"""Reading enrollments: the list with its filters and drill-down, and one enrollment with its history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config import filter_panel
from config.db_router import reads_from_replica
from config.pagination import keyset_page
from config.requests import AuthenticatedHttpRequest
from regions.models import Region

from .. import lapse
from ..filters import EnrollmentFilter
from ..forms import (
    ActivateForm,
    CardForm,
)
from ..lapse import CoverageState
from ..models import Enrollment, Heir
from ..nik import nik_digits
from .common import PER_PAGE, enrollment_for_user


@login_required
@reads_from_replica
def enrollment_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return redirect(_list_address(request))
    enrollments = Enrollment.objects.for_user_by_villages(request.user).select_related(
        "worker", "village", "campaign"
    )
    filterset = EnrollmentFilter(request.GET, queryset=enrollments, user=request.user)
    if fields := filter_panel.filter_fields(request, filterset):
        return fields
    page = keyset_page(filterset.qs, request.GET, PER_PAGE)  # newest first, never a COUNT of millions
    context = {"page": page, **filter_panel.panel_context(request, filterset), **_drill_down(request)}
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
    enrollment = enrollment_for_user(request, pk)
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
                "change_reminders",
            )
        },
        **_coverage(enrollment),
        # Why the list can no longer be changed here, when its village has signed it off.
        "locked": enrollment.quota.unlocked_for(request.user).reason or "",
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
                labels = {**dict(field.flatchoices), True: _("yes"), False: _("no")}
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": labels.get(change.old, change.old),
                        "new": labels.get(change.new, change.new),
                    }
                )
        rows.append({"record": newer, "changes": changes})
    return rows
