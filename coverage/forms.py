from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from campaigns.models import Campaign, FundingSource, month_of
from config.forms import BootstrapForm, model_choice
from config.uploads import CsvUploadForm
from enrollment.forms import DATE_INPUT
from enrollment.lapse import CoverageState
from enrollment.models import Enrollment, Heir
from regions.forms import RegionCodeField
from regions.models import Region

from .models import Claim

MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]  # a month input sends 2026-03; without one, people type


class PaymentForm(forms.Form):
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
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)
    funding_source = forms.ModelChoiceField(
        label=_("Paid from"),
        queryset=FundingSource.objects.none(),
        required=False,
        empty_label=_("Each worker's own funding source"),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        campaigns = Campaign.objects.for_user(user).exclude(status=Campaign.Status.DRAFT)
        model_choice(self, "campaign").queryset = campaigns
        model_choice(self, "region").queryset = Region.objects.for_user(user)
        model_choice(self, "funding_source").queryset = FundingSource.objects.filter(
            campaign__in=campaigns
        ).select_related("campaign")
        model_choice(self, "funding_source").label_from_instance = lambda source: (  # type: ignore[method-assign,assignment]
            f"{source.name} ({source.campaign.name})"
        )
        self.initial.setdefault("paid_on", timezone.localdate())
        self.initial.setdefault("month", month_of(timezone.localdate()))
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_month(self):
        return month_of(self.cleaned_data["month"])

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("The payment date cannot be in the future."))
        return paid_on

    def clean(self):
        data = super().clean()
        source, campaign = data.get("funding_source"), data.get("campaign")
        if source and campaign and source.campaign_id != campaign.pk:
            self.add_error("funding_source", _("Choose a funding source of this campaign."))
        return data


class BehindFilterForm(BootstrapForm):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[
            ("", _("Lapsing, at risk or lapsed")),
            *[c for c in CoverageState.choices if c[0] != "paid"],
        ],
    )
    region = forms.CharField(label=_("Region code"), required=False, max_length=13)


DOCUMENTS = [
    ("death_certificate", _("Death certificate")),
    ("id_cards", _("KTP and KK of the worker and the heir")),
    ("heir_letter", _("Heir statement letter (surat keterangan ahli waris)")),
    ("membership_card", _("BPJS Ketenagakerjaan card")),
    ("accident_report", _("Accident report")),
    ("medical_record", _("Medical certificate or hospital bills")),
    ("school_certificate", _("The child's school certificate")),
]


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(label=_("Benefit"), choices=Claim.Kind.choices)
    event_on = forms.DateField(label=_("Date of the event"), widget=DATE_INPUT)
    heir = forms.ModelChoiceField(
        label=_("Paid to (heir)"), queryset=Heir.objects.none(), required=False, empty_label=_("The worker")
    )
    amount = forms.IntegerField(
        label=_("Amount (Rp)"),
        required=False,
        min_value=1,
        max_value=10_000_000_000,
        help_text=_("Left empty: Rp 42.000.000 for JKM, 48 x the declared income for a JKK death."),
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents received"), choices=DOCUMENTS, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, enrollment: Enrollment, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "heir").queryset = enrollment.heirs.current()
        self.helper = FormHelper()
        self.helper.form_tag = False


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("paid", _("Paid")), ("refused", _("Refused"))])
    decided_on = forms.DateField(label=_("On"), widget=DATE_INPUT, required=False)
    reason = forms.CharField(label=_("Reason for refusal"), max_length=250, required=False)


class PaymentUploadForm(CsvUploadForm):
    help_text = _("One line per worker and month: NIK,month (e.g. 3214161508950001,2026-03).")

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE_INPUT)

    field_order = ["campaign", "paid_on", "file"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "campaign").queryset = Campaign.objects.for_user(user).exclude(
            status=Campaign.Status.DRAFT
        )
        self.initial.setdefault("paid_on", timezone.localdate())
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("The payment date cannot be in the future."))
        return paid_on
