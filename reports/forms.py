from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from campaigns.models import Quota
from config.forms import choice_field
from config.uploads import scan_field, validate_scan
from enrollment.forms import DATE_INPUT

from .exports import Column
from .models import ExportLog


class PurposeForm(forms.Form):
    """Whole NIK and phone numbers are for officials, and only with a purpose, which is logged."""

    whole = forms.BooleanField(label=_("Whole NIK and phone numbers"), required=False)
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=250,
        required=False,
        help_text=_('Required for whole numbers, e.g. "matching with the BPJS branch\'s list".'),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.acts_as_official:  # agents never get whole numbers
            del self.fields["whole"], self.fields["purpose"]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        data["purpose"] = data.get("purpose", "").strip()
        if data.get("whole") and not data["purpose"]:
            self.add_error("purpose", _("Say why the whole numbers are needed."))
        return data


class ExportForm(PurposeForm):
    file_format = forms.ChoiceField(
        label=_("Format"),
        choices=[(ExportLog.Format.XLSX, _("Excel (XLSX)")), (ExportLog.Format.CSV, "CSV")],
        initial=ExportLog.Format.XLSX,
        widget=forms.RadioSelect,
    )
    columns = forms.MultipleChoiceField(label=_("Columns"), widget=forms.CheckboxSelectMultiple)

    field_order = ["file_format", "columns", "whole", "purpose"]

    def __init__(self, *args, columns: list[Column], **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "columns").choices = [(column.key, column.label) for column in columns]
        self.fields["columns"].initial = [column.key for column in columns]


class SignForm(forms.Form):
    """The village head's signature on the printed recap: who, when, and the signed page if scanned."""

    village_head = forms.CharField(label=_("Village head's name"), max_length=150)
    signed_on = forms.DateField(label=_("Signed on"), widget=DATE_INPUT)
    scan = scan_field(_("Scan of the signed page (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_village_head(self) -> str:
        return self.cleaned_data["village_head"].strip()

    def clean_signed_on(self):
        signed_on = self.cleaned_data["signed_on"]
        if signed_on > timezone.localdate():
            raise forms.ValidationError(_("The date of signing cannot be in the future."))
        return signed_on

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        return validate_scan(scan) if scan else scan


class ReopenForm(forms.Form):
    """Reopen the list, to the stage chosen (one reason for every step undone on the way)."""

    to = forms.TypedChoiceField(label=_("Reopen to"), coerce=int)
    reason = forms.CharField(label=_("Reason for reopening"), max_length=250)

    def __init__(self, *args, stages: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "to").choices = [(stage, Quota.Signoff(stage).label) for stage in stages]
        if stages:
            self.fields["to"].initial = stages[0]
        if len(stages) < 2:  # one step back is the only choice: no need to ask
            self.fields["to"].widget = forms.HiddenInput()

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give a reason."))
        return reason
