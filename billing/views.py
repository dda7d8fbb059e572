"""Officials' billing pages: payers of their area, each payer's bills and payments, the printed bill,
recording a payment (what it settles is shown before it is recorded), and the payers in arrears."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.contrib import messages
from django.db.models import Exists, Min, OuterRef, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from lokal import terbilang

from accounts.decorators import official_required
from campaigns.models import Campaign, month_of
from config.db_router import reads_from_replica
from config.formatting import grouped, rupiah
from config.forms import parse_ids
from config.pagination import CappedPaginator
from config.requests import AuthenticatedHttpRequest
from coverage.services import CoverageError, MonthsDue, PaymentFileError, month_preview
from enrollment.models import Enrollment
from enrollment.nik import mask_nik
from reports.exports import Cell, Column, csv_response
from reports.models import ExportLog
from reports.services import export_log_finish, export_log_start

from . import arrears, bills, paying, reminders, services
from .forms import ContactForm, MonthPaidForm, MonthsFileForm, PayerChangeForm, PayerFilterForm, PaymentForm
from .models import Arrears, Bill, Message, Payer, PayerContact

PER_PAGE = 50
LETTER_LINES = 100  # a village's quota: listed on the letter; more go in its attachment


def _payer_for_user(request: AuthenticatedHttpRequest, pk: int) -> Payer:
    """A payer of the user's area, or 404: outsiders do not learn that it exists."""
    return get_object_or_404(Payer.objects.for_user(request.user).select_related("campaign", "region"), pk=pk)


@official_required
@reads_from_replica
def payer_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The payers of the user's area by name, with what they owed past due when last counted (the
    arrears rows: a province's own payer has millions of lines), and this month's bills to issue."""
    form = PayerFilterForm(request.GET or None)
    payers: QuerySet[Payer] = Payer.objects.for_user(request.user).select_related(
        "region", "campaign", "arrears"
    )
    today = timezone.localdate()
    if form.is_valid():
        if text := form.cleaned_data["q"].strip():
            payers = payers.filter(name__icontains=text)
        if kind := form.cleaned_data["kind"]:
            payers = payers.filter(kind=kind)
        if form.cleaned_data["overdue"]:
            payers = payers.filter(arrears.overdue_q())
    page = CappedPaginator(payers.order_by("name", "pk"), PER_PAGE).get_page(request.GET.get("page"))
    active = Campaign.objects.for_user(request.user).active().select_related("organizer")
    issuable = [campaign for campaign in active if campaign.can_change(request.user)]
    context = {"page": page, "form": form, "issuable": issuable, "month": month_of(today)}
    return render(request, "billing/payer_list.html", context)


@official_required
@require_POST
def bills_issue(request: AuthenticatedHttpRequest) -> HttpResponse:
    """This month's bills of a campaign the user runs, now rather than on the first by the worker."""
    campaign = (
        Campaign.objects.for_user(request.user)
        .active()
        .filter(pk__in=parse_ids([request.POST.get("campaign", "")]))
        .first()
    )
    if campaign is None or not campaign.can_change(request.user):
        messages.error(request, _("Choose an active campaign you run."))
        return redirect("billing:payer_list")
    month = month_of(timezone.localdate())
    issued = bills.bills_issue(
        month=month, campaigns=Campaign.objects.filter(pk=campaign.pk), by=request.user
    )
    messages.success(
        request,
        ngettext("%(count)s bill issued.", "%(count)s bills issued.", len(issued)) % {"count": len(issued)},
    )
    return redirect("billing:payer_list")


@official_required
def payer_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A payer: its contacts, bills (paid, partly paid or open), payments and credit."""
    payer = _payer_for_user(request, pk)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.instance.payer = payer
        form.save()
        messages.success(request, _("Contact saved."))
        return redirect("billing:payer_detail", payer.pk)
    bills = list(payer.bills.in_force().order_by("-month")[:24])
    context = {
        "payer": payer,
        "contacts": payer.contacts.all(),
        "bills": bills,
        "payments": payer.payments.order_by("-paid_on", "-pk")[:24],
        "credit": payer.credit(),
        "form": form,
    }
    return render(request, "billing/payer_detail.html", context)


@official_required
@require_POST
def contact_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(
        PayerContact.objects.filter(payer__in=Payer.objects.for_user(request.user)), pk=pk
    )
    contact.delete()
    messages.success(request, _("Contact removed."))
    return redirect("billing:payer_detail", contact.payer_id)


@official_required
@require_POST
def bill_correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A corrected bill replacing this one, with the reason; the old one stays as it was issued."""
    bill = get_object_or_404(Bill.objects.for_user(request.user).select_related("payer__region"), pk=pk)
    try:
        corrected = bills.bill_correct(bill=bill, reason=request.POST.get("reason", ""), by=request.user)
    except services.BillingError as refused:
        messages.error(request, str(refused))
        return redirect("billing:bill_detail", bill.pk)
    messages.success(
        request, _("Bill %(number)s replaces %(old)s.") % {"number": corrected.number, "old": bill.number}
    )
    return redirect("billing:bill_detail", corrected.pk)


@official_required
def bill_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The bill as a letter the treasurer takes to the bank: one A4 page, NIKs masked."""
    bill = get_object_or_404(
        Bill.objects.for_user(request.user).select_related(
            "payer__campaign__organizer", "payer__region", "replaces"
        ),
        pk=pk,
    )
    # A village's bill lists its workers on the letter; a regency's or a province's (thousands, or
    # millions) attaches the list as a download instead.
    listed = bill.workers <= LETTER_LINES
    lines = bill.lines.select_related("enrollment__worker").order_by("enrollment__full_name", "pk")
    context = {
        "bill": bill,
        "listed": listed,
        "replaced_by": Bill.objects.filter(replaces=bill).only("pk", "number").first(),
        "lines": lines if listed else [],
        "in_words": terbilang(bill.total, case="sentence"),
        "organizer": bill.payer.campaign.organizer,
    }
    return render(request, "billing/bill_detail.html", context)


BILL_COLUMNS = [
    Column("name", gettext_lazy("Name"), lambda row: row["enrollment__full_name"], width=30),
    Column("nik", gettext_lazy("NIK"), lambda row: mask_nik(row["enrollment__worker__nik"] or "")),
    Column("village_code", gettext_lazy("Village code"), lambda row: row["enrollment__village__code"]),
    Column("village", gettext_lazy("Village"), lambda row: row["enrollment__village__name"], width=24),
    Column("amount", gettext_lazy("Amount (Rp)"), lambda row: row["amount"], Cell.NUMBER),
]


@official_required
def bill_lines(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A bill's workers as a CSV (NIKs masked), the attachment of a bill too long for its letter;
    recorded in the export log like every download of personal data."""
    bill = get_object_or_404(Bill.objects.for_user(request.user).select_related("payer__region"), pk=pk)
    log = export_log_start(
        user=request.user, kind=ExportLog.Kind.BILL, file_format=ExportLog.Format.CSV,
        area=[bill.payer.region], campaign=bill.payer.campaign, filters={"bill": [bill.number]},
    )  # fmt: skip
    rows = (
        bill.lines.order_by("enrollment__village__code", "enrollment__full_name", "pk")
        .values("enrollment__full_name", "enrollment__worker__nik", "enrollment__village__code",
                "enrollment__village__name", "amount")
        .iterator(chunk_size=2000)
    )  # fmt: skip
    name = bill.number.replace("/", "-")
    return csv_response(BILL_COLUMNS, rows, name, lambda count: export_log_finish(log, count))


@official_required
def payment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Record a payment: first what it settles and who stays unpaid, then, confirmed, the record."""
    payer = _payer_for_user(request, pk)
    form = PaymentForm(request.POST or None, request.FILES or None)
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        if "record" in request.POST:
            try:
                _payment, plan = services.payment_record(payer=payer, by=request.user, **data)
            except services.BillingError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(request, _settled_message(plan))
                return redirect("billing:payer_detail", payer.pk)
        else:
            preview = services.payment_preview(payer=payer, amount=data["amount"])
    return render(request, "billing/payment_form.html", {"payer": payer, "form": form, "preview": preview})


def _settled_message(plan: services.Plan) -> str:
    settled = ngettext(
        "Recorded: %(count)s worker-month paid.", "Recorded: %(count)s worker-months paid.", len(plan.settled)
    ) % {"count": len(plan.settled)}
    if plan.unpaid:
        settled += " " + ngettext("%(count)s stays unpaid.", "%(count)s stay unpaid.", len(plan.unpaid)) % {
            "count": len(plan.unpaid)
        }
    return settled


@official_required
@reads_from_replica
def arrears_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Payers with bills past due: how much, how many workers and months, and how many lapse at the
    end of this month if nothing is paid (the Inspektorat's list)."""
    today = timezone.localdate()
    sort = request.GET.get("sort", "-amount")
    sort = sort if sort in arrears.SORTS else "-amount"
    payers = Payer.objects.for_user(request.user)
    rows = arrears.counted_for(payers, sort)
    if request.GET.get("format") == "csv":
        return arrears.csv_response(rows, today)
    page = CappedPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    # The last count of everyone (a payer counted since, after a payment, is newer).
    counted_at = Arrears.objects.aggregate(at=Min("counted_at"))["at"]
    context = {"page": page, "sort": sort, "summary": arrears.summary(payers), "counted_at": counted_at}
    return render(request, "billing/arrears_list.html", context)


@official_required
def enrollment_bills(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """One worker's payer, bill lines and the payments that settled them, month by month."""
    enrollment = get_object_or_404(Enrollment.objects.for_user(request.user).select_related("village"), pk=pk)
    lines = (
        # Lines of bills not replaced, asked per line (a worker has a few): the join the ORM writes
        # for "replaced_by is null" hashes every bill of the country (180 ms at national scale).
        enrollment.bill_lines.exclude(Exists(Bill.objects.filter(replaces=OuterRef("bill"))))
        .select_related("bill__payer", "settlement__payment")
        .order_by("-month")
    )
    months_paid = set(enrollment.contributions.values_list("month", flat=True))
    form = PayerChangeForm(request.POST or None, enrollment=enrollment, user=request.user)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["payer"]
        payer = services.self_payer(enrollment) if chosen == form.SELF else form.payers[chosen]
        try:
            services.payer_change(
                enrollment=enrollment, payer=payer, starts=form.cleaned_data["starts"], by=request.user
            )
        except services.BillingError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _(
                    "From %(month)s, %(payer)s pays this worker's contributions. Correct a bill already issued for those months so that it leaves them out."
                )
                % {
                    "month": date_format(form.cleaned_data["starts"], "YEAR_MONTH_FORMAT"),
                    "payer": payer.name,
                },
            )
            return redirect("billing:enrollment_bills", enrollment.pk)
    changes = enrollment.payer_changes.select_related("payer", "by").order_by("-starts")
    context = {
        "enrollment": enrollment,
        "lines": lines,
        "months_paid": months_paid,
        "form": form,
        "changes": changes,
    }
    return render(request, "billing/enrollment_bills.html", context)


@official_required
@reads_from_replica
def outbox(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The reminders of the user's area: who was told what, when, and whether it went out."""
    messages_ = Message.objects.for_user(request.user).select_related("payer").order_by("-created_at", "-pk")
    page = CappedPaginator(messages_, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "billing/outbox.html", {"page": page})


@csrf_exempt
@require_POST
def delivery_receipt(request: HttpRequest) -> HttpResponse:
    """The SMS/WhatsApp gateway's receipt for a message: {"id": ..., "status": "delivered"|"failed",
    "error": ...} as JSON or a form, with the token of settings.MESSAGES_CALLBACK_TOKEN. A machine calls
    it, so it answers with a status only: 204 recorded, 404 no such message (or receipts are off),
    403 a wrong token, 400 a body it cannot read."""
    expected = settings.MESSAGES_CALLBACK_TOKEN
    if not expected:
        raise Http404
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), expected.encode()):
        return HttpResponse(status=403)
    try:
        body = json.loads(request.body) if request.content_type == "application/json" else request.POST.dict()
    except ValueError:
        return HttpResponse(status=400)
    if not isinstance(body, dict):
        return HttpResponse(status=400)
    found = reminders.receipt_record(
        str(body.get("id", "")), str(body.get("status", "")), str(body.get("error", ""))[:200]
    )
    return HttpResponse(status=204 if found else 404)


@official_required
def months_paid(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A month paid for an area's workers by their payer: first what it would record (workers,
    amount at the rate in force), then, confirmed, the payment with its reference."""
    form = MonthPaidForm(request.POST or None, user=request.user)
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        where = {"campaign": data["campaign"], "region": data["region"], "month": data["month"]}
        try:
            if "record" in request.POST:
                paid, payment = paying.month_pay(
                    **where, paid_on=data["paid_on"], channel=data["channel"], reference=data["reference"],
                    by=request.user,
                )  # fmt: skip
                messages.success(request, _months_message(paid, data["region"], payment))
                return redirect("billing:months_paid")
            preview = month_preview(**where, by=request.user)
        except (CoverageError, services.BillingError) as refused:
            form.add_error(None, str(refused))
    return _months_page(request, form=form, preview=preview)


@official_required
@require_POST
def months_file(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The months of a file of NIK,month lines, paid by one payer; one bad line records nothing."""
    upload = MonthsFileForm(request.POST, request.FILES, user=request.user)
    if upload.is_valid():
        data = upload.cleaned_data
        try:
            paid, payment = paying.file_pay(
                campaign=data["campaign"], text=data["file"], paid_on=data["paid_on"],
                channel=data["channel"], reference=data["reference"], by=request.user,
            )  # fmt: skip
        except PaymentFileError as refused:
            for problem in [str(refused), *refused.problems.messages()]:
                upload.add_error("file", problem)
        except (CoverageError, services.BillingError) as refused:
            upload.add_error(None, str(refused))
        else:
            messages.success(
                request,
                _(
                    "%(count)s months recorded as paid by %(payer)s: %(amount)s. %(already)s were paid already."
                )
                % {
                    "count": grouped(paid.to_pay),
                    "payer": payment.payer.name,
                    "amount": rupiah(payment.amount),
                    "already": grouped(paid.already_paid),
                },
            )
            return redirect("billing:months_paid")
    return _months_page(request, upload=upload)


def _months_page(request: AuthenticatedHttpRequest, *, form=None, upload=None, preview=None) -> HttpResponse:
    context = {
        "form": form or MonthPaidForm(user=request.user),
        "upload": upload or MonthsFileForm(user=request.user),
        "preview": preview,
    }
    return render(request, "billing/months_paid.html", context)


def _months_message(paid: MonthsDue, region, payment) -> str:
    assert paid.month is not None  # a month recorded for an area (a file's payments have several)
    return _(
        "%(month)s recorded as paid by %(payer)s for %(count)s workers in %(region)s: %(amount)s, "
        "reference %(reference)s. %(already)s had paid it already."
    ) % {
        "month": date_format(paid.month, "YEAR_MONTH_FORMAT"),
        "payer": payment.payer.name,
        "count": grouped(paid.to_pay),
        "region": region.display_name,
        "amount": rupiah(payment.amount),
        "reference": payment.reference,
        "already": grouped(paid.already_paid),
    }
