"""What every enrollment page shares: the scoped lookup, the way back, the slots line."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from campaigns.models import Quota
from config.requests import AuthenticatedHttpRequest

from ..models import Enrollment

PER_PAGE = 25


def enrollment_for_user(request: AuthenticatedHttpRequest, pk: int) -> Enrollment:
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


def back_to(request: AuthenticatedHttpRequest, default: str) -> HttpResponse:
    """Back to the page the form came from (this site only), else `default`."""
    target = request.POST.get("next", "")
    # A path of this site only: "-1" or "javascript:…" is not one (redirect() would try to reverse
    # "-1" as a URL name and fail with a server error).
    if target.startswith("/") and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(default)


def slots_message(quota: Quota) -> str:
    return _("%(village)s: %(filled)s of %(target)s filled.") % {
        "village": quota.village.display_name,
        "filled": quota.filled,
        "target": quota.target,
    }
