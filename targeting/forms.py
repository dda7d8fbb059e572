from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from campaigns.models import Campaign, Strictness
from config.forms import model_choice
from config.uploads import scan_field, validate_scan
from enrollment.forms import DATE_INPUT
from enrollment.models import Enrollment
from imports.forms import list_file_checked
from regions.forms import RegionCodeField
from regions.models import Region

from .models import TargetList, Visit


class TargetListForm(forms.ModelForm):
    """A list's file with the record of its handover (berita acara)."""

    region = RegionCodeField(
        Region.objects.none(),
        label=_("Area of the list (code)"),
        help_text=_(
            "The province, regency, district or village the list covers, e.g. 13.03 for Kab. Sijunjung."
        ),
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (XLSX) with a header row: NIK, No. KK and desil at least."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xls,.ods,text/csv"}),
    )
    scan = scan_field(_("Scan of the handover record (optional)"))

    class Meta:
        model = TargetList
        fields = ["region", "source", "round", "given_by", "given_on", "document_number", "scan"]
        widgets = {"given_on": DATE_INPUT}

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.for_user(user)  # type: ignore[attr-defined]
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_given_on(self):
        day = self.cleaned_data["given_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The handover cannot be in the future."))
        return day

    def clean_file(self):
        return list_file_checked(self.cleaned_data["file"])

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        return validate_scan(scan) if scan else scan


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=250)


class VisitForm(forms.ModelForm):
    class Meta:
        model = Visit
        fields = ["outcome", "reason"]


class WorklistSearch(forms.Form):
    """Whose worklist (a village: an agent's own by default) and whom in it."""

    village = RegionCodeField(Region.objects.none(), label=_("Village (code)"), required=False)
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"placeholder": _("Name, RT/RW or KK"), "type": "search"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        model_choice(self, "village").queryset = Region.objects.for_user(user).filter(
            level=Region.Level.VILLAGE
        )

    def clean_village(self) -> Region | None:
        """The village typed, else an agent's own (the first of theirs)."""
        if chosen := self.cleaned_data.get("village"):
            return chosen
        if not self.user.is_agent:
            return None
        # Not `queryset or …`: a QuerySet's truth reads every row of it.
        villages = Region.objects.for_user(self.user).filter(level=Region.Level.VILLAGE)
        return villages.filter(code__in=self.user.region_codes).order_by("code").first()


class EligibilityForm(forms.ModelForm):
    """Who the campaign is for: each rule off, a warning, or a refusal."""

    occupations = forms.MultipleChoiceField(
        label=_("Occupations"),
        choices=Enrollment.Occupation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Campaign
        fields = [
            "residence_rule", "overlap_rule", "target_rule", "desil_rule", "max_desil",
            "occupation_rule", "occupations", "occupations_excluded",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        if data.get("desil_rule") not in (None, Strictness.OFF) and not data.get("max_desil"):
            self.add_error("max_desil", _("Give the highest decile, 1 to 10."))
        if data.get("occupation_rule") not in (None, Strictness.OFF) and not data.get("occupations"):
            self.add_error("occupations", _("Choose the occupations the rule speaks of."))
        return data
