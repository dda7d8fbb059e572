from __future__ import annotations

from typing import Any, cast

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.phones import normalize_phone
from campaigns.models import Campaign, month_of
from config.forms import model_choice
from config.uploads import read_csv_upload, scan_field, validate_scan
from coverage.forms import MONTH_FORMATS, MONTH_INPUT
from enrollment.forms import DATE_INPUT
from regions.forms import RegionCodeField
from regions.models import Region

from .models import Payer, PayerContact, Payment
from .services import reference_taken


class PaymentChecks:
    """A payment's date (not ahead) and reference (free on its channel, else the payment that has it
    is named), for every form that records one."""

    cleaned_data: dict
    add_error: Any

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be dated in the future."))
        return paid_on

    def clean_reference(self):
        return self.cleaned_data["reference"].strip()

    def clean(self):
        data = super().clean()  # type: ignore[misc]  # the form's own clean, after this mixin
        channel, reference = data.get("channel"), data.get("reference")
        if channel and reference and (taken := reference_taken(channel, reference)):
            self.add_error("reference", taken)
        return data


class PaymentForm(PaymentChecks, forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["channel", "reference", "amount", "paid_on"]
        widgets = {"paid_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    proof = scan_field(_("Proof of payment (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["amount"].min_value = 1

    def validate_unique(self) -> None:
        """The reference's uniqueness is said by `clean`, naming the payment that has it (the
        constraint's own message cannot); the database still holds it (a race is the service's)."""

    def clean_proof(self):
        proof = self.cleaned_data.get("proof")
        return validate_scan(proof) if proof else proof


class ReferenceFields(PaymentChecks, forms.Form):
    """The channel and reference of a payment recorded for months (an area's month, a file's)."""

    channel = forms.ChoiceField(label=_("Channel"), choices=Payment.Channel.choices)
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=40,
        help_text=_("The kode iuran, transaction number or receipt number."),
    )
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "campaign").queryset = Campaign.objects.for_user(user).exclude(
            status=Campaign.Status.DRAFT
        )
        self.initial.setdefault("paid_on", timezone.localdate())
        self.helper = FormHelper()
        self.helper.form_tag = False


class MonthPaidForm(ReferenceFields):
    """A month paid for the active workers of a campaign in one area of the official's reach."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    region = RegionCodeField(
        Region.objects.none(),
        label=_("Region (code)"),
        help_text=_(
            "A province, regency, district or village of your area, e.g. 32.14.16 for Kec. Pondoksalam."
        ),
    )
    month = forms.DateField(label=_("Month paid"), widget=MONTH_INPUT, input_formats=MONTH_FORMATS)

    field_order = ["campaign", "region", "month", "channel", "reference", "paid_on"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        model_choice(self, "region").queryset = Region.objects.for_user(user)
        self.initial.setdefault("month", month_of(timezone.localdate()))

    def clean_month(self):
        return month_of(self.cleaned_data["month"])


class MonthsFileForm(ReferenceFields):
    """A file of NIK,month lines paid by one payer with one reference."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("One line per worker and month: NIK,month (e.g. 3214161508950001,2026-03)."),
    )

    field_order = ["campaign", "channel", "reference", "paid_on", "file"]

    def clean_file(self) -> str:
        return read_csv_upload(self.cleaned_data["file"])


class ContactForm(forms.ModelForm):
    class Meta:
        model = PayerContact
        fields = ["role", "name", "phone"]

    def clean_phone(self):
        phone = normalize_phone(self.cleaned_data["phone"])
        if phone is None:
            raise forms.ValidationError(_("Enter a valid Indonesian mobile number, e.g. 0812 3456 7890."))
        return phone


class PayerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Payer.Kind.choices])
    overdue = forms.BooleanField(label=_("In arrears only"), required=False)


class PayerChangeForm(forms.Form):
    """Who pays a worker's contributions from a month on: a payer of the campaign that reaches the
    worker's village (its government, the regency, a company) or the worker."""

    SELF = "self"

    payer = forms.ChoiceField(label=_("Paid by"))
    starts = forms.DateField(label=_("From the month"), widget=MONTH_INPUT, input_formats=MONTH_FORMATS)

    def __init__(self, *args, enrollment, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        # The campaign's own payers (its organizer, a company: few, by the (campaign, kind) index) and
        # those of the worker's village: two small reads, where one OR read every payer of the nation.
        mine = Payer.objects.for_user(user).filter(campaign_id=enrollment.campaign_id)
        ids = [
            *mine.filter(kind__in=[Payer.Kind.COMPANY, Payer.Kind.REGION]).values_list("pk", flat=True),
            *mine.filter(region_id=enrollment.village_id)
            .exclude(Q(kind=Payer.Kind.WORKER) & ~Q(worker_id=enrollment.worker_id))
            .values_list("pk", flat=True),
        ]
        self.payers = {
            str(payer.pk): payer for payer in Payer.objects.filter(pk__in=ids).order_by("kind", "name")
        }
        cast(forms.ChoiceField, self.fields["payer"]).choices = [
            *((pk, payer.name) for pk, payer in self.payers.items() if payer.kind != Payer.Kind.WORKER),
            (self.SELF, _("The worker (self-paid)")),
        ]
        self.initial.setdefault("starts", month_of(timezone.localdate()))

    def clean_starts(self):
        return month_of(self.cleaned_data["starts"])
