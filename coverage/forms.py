from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import BootstrapForm, model_choice
from enrollment.forms import DATE_INPUT
from enrollment.lapse import CoverageState
from enrollment.models import Enrollment, Heir

from .models import Claim

MONTH_INPUT = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
MONTH_FORMATS = ["%Y-%m", "%Y-%m-%d", "%m/%Y"]  # a month input sends 2026-03; without one, people type


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
