from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import ask_fresh_code, check_fresh_code
from accounts.models import User
from campaigns.models import Campaign, Quota
from config.forms import choice_field, model_choice
from config.uploads import scan_field, validate_scan
from enrollment.forms import DATE_INPUT
from regions.forms import RegionCodeField
from regions.models import Region

from .branch import branch_columns
from .exports import Column
from .models import BranchLayout, ExportLog


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
        else:
            ask_fresh_code(self, user)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        data["purpose"] = data.get("purpose", "").strip()
        if data.get("whole") and not data["purpose"]:
            self.add_error("purpose", _("Say why the whole numbers are needed."))
        check_fresh_code(self, needed=bool(data.get("whole")))
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


class BranchLayoutForm(forms.ModelForm):
    region = RegionCodeField(
        Region.objects.none(),
        label=_("Area it serves (code)"),
        help_text=_("e.g. 32.14 for Kab. Purwakarta."),
    )

    class Meta:
        model = BranchLayout
        fields = ["name", "region", "date_format", "grouped_numbers", "file_format"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "region").queryset = Region.objects.for_user(user)
        if self.instance.pk:
            self.initial["region"] = self.instance.region.code
        self.helper = FormHelper()
        self.helper.form_tag = False


class LayoutColumnForm(forms.Form):
    field = forms.ChoiceField(label=_("Field"), required=False)
    header = forms.CharField(label=_("Header in the file"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "field").choices = [
            ("", _("(no column)")),
            *((key, column.label) for key, column in branch_columns().items()),
        ]

    def clean(self):
        data = super().clean()
        if data.get("field") and not data.get("header", "").strip():
            data["header"] = str(branch_columns()[data["field"]].label)
        return data


LayoutColumnFormSet = forms.formset_factory(LayoutColumnForm, extra=0, max_num=40, absolute_max=40)


def layout_columns(formset) -> list[list[str]]:
    """The chosen columns in order, as BranchLayout.columns keeps them."""
    return [
        [form.cleaned_data["field"], form.cleaned_data["header"].strip()]
        for form in formset.forms
        if form.cleaned_data.get("field")
    ]


class BranchFileForm(forms.Form):
    """Which campaign's verified workers, in which branch's layout, for which area, and why."""

    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    layout = forms.ModelChoiceField(label=_("Branch layout"), queryset=BranchLayout.objects.none())
    region = RegionCodeField(
        Region.objects.none(), label=_("Area (code)"), required=False,
        help_text=_("Empty: the whole of your area."),
    )  # fmt: skip
    purpose = forms.CharField(
        label=_("Purpose"), max_length=250,
        initial=_("Registration of the verified workers at the BPJS branch"),
    )  # fmt: skip

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "campaign").queryset = Campaign.objects.for_user(user).exclude(
            status=Campaign.Status.DRAFT
        )
        layouts = model_choice(self, "layout").queryset = BranchLayout.objects.for_user(user)
        if len(only := list(layouts[:2])) == 1:  # the usual case: the one branch of the area
            self.initial.setdefault("layout", only[0].pk)
        model_choice(self, "region").queryset = Region.objects.for_user(user)
        ask_fresh_code(self, user)  # the file holds whole NIKs
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        check_fresh_code(self)
        return data
