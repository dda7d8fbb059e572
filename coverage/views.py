from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.decorators import official_required
from config.db_router import reads_from_replica
from config.pagination import CappedPaginator
from enrollment.models import CoverageState, Enrollment
from enrollment.views import COVERAGE_BADGE

from . import services
from .forms import BehindFilterForm, PaymentForm

PER_PAGE = 50


@official_required
def payment_record(request: HttpRequest) -> HttpResponse:
    """A month paid for the area's active workers: first what it would do (workers, amount at the
    rate in force), then, confirmed, the record."""
    form = PaymentForm(request.POST or None, user=request.user)
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        where = {
            "campaign": data["campaign"],
            "region": data["region"],
            "month": data["month"],
            "by": request.user,
        }
        try:
            if "record" in request.POST:
                payment = services.contributions_record_month(
                    **where, paid_on=data["paid_on"], funding_source=data["funding_source"]
                )
                messages.success(request, _payment_message(payment, data["region"]))
                return redirect("coverage:payment_record")
            preview = services.payment_preview(**where)
        except services.CoverageError as refused:
            form.add_error(None, str(refused))
    return render(request, "coverage/payment_record.html", {"form": form, "preview": preview})


def _payment_message(payment: services.Payment, region) -> str:
    return _(
        "%(month)s recorded as paid for %(count)s workers in %(region)s: Rp %(amount)s. "
        "%(already)s had paid it already."
    ) % {
        "month": date_format(payment.month, "F Y"),
        "count": payment.to_pay,
        "region": region.display_name,
        "amount": f"{payment.amount:,}".replace(",", "."),
        "already": payment.already_paid,
    }


@login_required
@reads_from_replica
def behind_list(request: HttpRequest) -> HttpResponse:
    """Active workers with months unpaid: lapsing (1), at risk (2), lapsed (3 or more), in the
    user's area; for an agent, the workers of their villages to chase."""
    today = timezone.localdate()
    form = BehindFilterForm(request.GET or None)
    state = form.cleaned_data.get("state") if form.is_valid() else ""
    region = form.cleaned_data.get("region", "").strip() if form.is_valid() else ""
    enrollments = Enrollment.objects.for_user_by_villages(request.user)
    enrollments = enrollments.in_coverage_state(state, today) if state else enrollments.behind(today)
    if region:
        enrollments = enrollments.filter(village__code__startswith=region)
    enrollments = enrollments.select_related("worker", "village", "campaign").order_by("paid_through", "pk")
    page = CappedPaginator(enrollments, PER_PAGE).get_page(request.GET.get("page"))
    for enrollment in page:
        enrollment.state = CoverageState(enrollment.coverage_state(today))
        enrollment.state_badge = COVERAGE_BADGE[enrollment.state]
    return render(request, "coverage/behind_list.html", {"page": page, "filter": form, "today": today})
