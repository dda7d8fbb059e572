from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from campaigns.models import Campaign
from config.forms import model_choice
from enrollment.forms import DATE_INPUT
from regions.forms import RegionCodeField
from regions.models import Region

from .kinds import KINDS, labels_for
from .models import ImportBatch
from .reading import ALIASES, MAX_BYTES

KIND_FIELDS: dict[str, list[str]] = {
    ImportBatch.Kind.SIGNUPS: [
        name for name in ALIASES if name not in ("kpj_number", "status", "paid_until")
    ],
    ImportBatch.Kind.BRANCH_LIST: ["nik", "full_name", "kpj_number", "birth_date", "status", "paid_until"],
}


def list_file_checked(upload):
    """An uploaded list, refused before it is read when larger than any list is (reading.MAX_BYTES)."""
    if upload.size > MAX_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)s MB. Split it into smaller files."),
            params={"mb": MAX_BYTES // 1_000_000},
        )
    return upload


class UploadForm(forms.Form):
    campaign = forms.ModelChoiceField(label=_("Campaign"), queryset=Campaign.objects.none())
    file = forms.FileField(
        label=_("File"),
        help_text=_("CSV or Excel (XLSX), with a header row. Download the template below."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xls,.ods,text/csv"}),
    )
    region = RegionCodeField(
        Region.objects.none(),
        label=_("Area of the list (code)"),
        help_text=_("The area the branch's list covers, e.g. 32.14 for Kab. Purwakarta."),
    )
    reserve_if_full = forms.TypedChoiceField(
        label=_("Rows beyond a village's slots"),
        choices=[("1", _("go on the reserve list")), ("0", _("are left out"))],
        coerce=lambda value: value == "1",
        initial="1",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, user: User, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        campaigns = Campaign.objects.for_user(user)
        if kind == ImportBatch.Kind.SIGNUPS:
            model_choice(self, "campaign").queryset = campaigns.filter(status=Campaign.Status.ACTIVE)
            del self.fields["region"]
        elif kind == ImportBatch.Kind.STATEMENT:
            model_choice(self, "campaign").queryset = campaigns.exclude(status=Campaign.Status.DRAFT)
            model_choice(self, "region").queryset = Region.objects.for_user(user)
            self.fields["region"].help_text = _(
                "The area whose payers the statement pays, e.g. 13.03 for Kab. Sijunjung."
            )
            self.fields["region"].label = _("Area of the payers (code)")
            del self.fields["reserve_if_full"]
        else:
            model_choice(self, "campaign").queryset = campaigns.exclude(status=Campaign.Status.DRAFT)
            model_choice(self, "region").queryset = Region.objects.for_user(user)
            del self.fields["reserve_if_full"]
        only = list((model_choice(self, "campaign").queryset or Campaign.objects.none())[:2])
        if len(only) == 1:  # the usual case for an agent: one campaign open in their village
            self.initial.setdefault("campaign", only[0].pk)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_file(self):
        return list_file_checked(self.cleaned_data["file"])


class MappingForm(forms.Form):
    """Which of our fields each column of the file holds, one choice per column."""

    def __init__(self, *args, headers: list[str], current: list[str | None], kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        labels = labels_for(kind)
        self.labels = labels
        fields = list(KINDS[kind].aliases) if kind in KINDS else KIND_FIELDS[kind]
        choices = [("", _("(not used)")), *((name, labels[name]) for name in fields)]
        if kind in KINDS:
            self.required = KINDS[kind].required
        elif kind == ImportBatch.Kind.BRANCH_LIST:
            self.required = ("nik", "full_name")
        else:
            self.required = ("nik", "full_name", "village_code", "occupation")
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header or _("(column %(number)s without a header)") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=(current[index] if index < len(current) else "") or "",
            )
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        data = super().clean()
        chosen = [value for value in data.values() if value]
        if twice := sorted({name for name in chosen if chosen.count(name) > 1}):
            raise forms.ValidationError(
                _("Each field can be chosen for one column only: %(fields)s.")
                % {"fields": ", ".join(str(self.labels[name]) for name in twice)}
            )
        if missing := [name for name in self.required if name not in chosen]:
            raise forms.ValidationError(
                _("Choose a column for: %(fields)s.")
                % {"fields": ", ".join(str(self.labels[name]) for name in missing)}
            )
        return data

    def fields_in_order(self) -> list[str | None]:
        return [self.cleaned_data[f"column_{index}"] for index in range(len(self.fields))]


class ConfirmListForm(forms.Form):
    coverage_starts = forms.DateField(
        label=_("Coverage starts"),
        widget=DATE_INPUT,
        help_text=_("For a worker enrolled later than this, coverage starts on the day of enrollment."),
    )

    def __init__(self, *args, batch: ImportBatch, **kwargs):
        super().__init__(*args, **kwargs)
        self.batch = batch
        # Posted with the rows ticked in the list above it (templates/imports/import_detail.html).
        self.fields["coverage_starts"].widget.attrs["form"] = "confirm-list"
        self.initial.setdefault(
            "coverage_starts", max(batch.for_campaign.starts_on, timezone.localdate().replace(day=1))
        )

    def clean_coverage_starts(self):
        day = self.cleaned_data["coverage_starts"]
        campaign = self.batch.for_campaign
        if not campaign.starts_on <= day <= campaign.ends_on:
            raise forms.ValidationError(_("Coverage must start within the campaign's period."))
        return day


class UndoForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=250, widget=forms.TextInput)
