from __future__ import annotations

from django import forms
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from config.forms import choice_field, model_choice
from config.uploads import CsvUploadForm
from regions.forms import RegionCodeField
from regions.models import Region

from .models import MAX_TARGET, Campaign, ContributionRate, FundingSource, Quota, month_of

MAX_FUNDING_SOURCES = 20


class CampaignForm(forms.ModelForm):
    class Meta:
        model = Campaign
        fields = [
            "name",
            "slug",
            "description",
            "organizer",
            "starts_on",
            "ends_on",
            "covers_jkk",
            "covers_jkm",
            "covers_jht",
            "coverage_months",
            "contribution_per_month",
            "min_age",
            "max_age",
            "budget",
            "bill_due_day",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organizer"] = RegionCodeField(
            Region.objects.for_user(user).exclude(level=Region.Level.DISTRICT),
            label=_("Organizing region (code)"),
            help_text=_("A province (32), regency/city (32.14) or village (32.14.16.2005) in your area."),
            error_messages={"invalid_choice": _("Not a province, regency/city or village in your area.")},
        )
        if self.instance.pk:
            self.initial["organizer"] = self.instance.organizer.code  # the form shows codes, not ids
        self.fields["slug"].required = False
        self.fields["slug"].help_text = _("Left empty, it is made from the name.")

    def clean_slug(self) -> str:
        typed = self.cleaned_data.get("slug")
        # A name of only punctuation or emoji slugifies to nothing: the address still needs a word.
        slug = typed or slugify(self.cleaned_data.get("name", ""))[:80] or "kampanye"
        similar = Campaign.objects.exclude(pk=self.instance.pk).filter(slug__startswith=slug)
        taken = set(similar.values_list("slug", flat=True)[:1000])
        if typed and slug in taken:
            raise forms.ValidationError(_("Another campaign already uses this short name."))
        number = 2
        base = slug[:75]
        while slug in taken:  # a made-up short name gets a number rather than an error
            slug, number = f"{base}-{number}", number + 1
        return slug

    def clean(self):
        # The check constraints say the same, but above the form; these put the message by the field.
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The campaign cannot end before it starts."))
        if (
            data.get("min_age") is not None
            and data.get("max_age") is not None
            and data["min_age"] > data["max_age"]
        ):
            self.add_error("max_age", _("The maximum age cannot be below the minimum age."))
        return data


class BaseFundingSourceFormSet(BaseInlineFormSet):
    def clean(self):
        """A source that enrollments are paid from stays: removing it would erase who paid for them."""
        super().clean()
        for form in self.deleted_forms:
            if form.instance.pk and form.instance.is_used():
                form.add_error(
                    None,
                    _("%(name)s pays for enrolled workers and cannot be removed.")
                    % {"name": form.instance.name},
                )
                raise forms.ValidationError(_("A funding source in use cannot be removed."))


FundingSourceFormSet = inlineformset_factory(
    Campaign,
    FundingSource,
    formset=BaseFundingSourceFormSet,
    fields=["name", "kind", "amount", "workers"],
    extra=1,
    can_delete=True,
    # A campaign has a handful of payers; a forged TOTAL_FORMS must not render thousands of forms.
    max_num=MAX_FUNDING_SOURCES,
    absolute_max=MAX_FUNDING_SOURCES,
    validate_max=True,
)


class ContributionRateForm(forms.ModelForm):
    class Meta:
        model = ContributionRate
        fields = ["starts_on", "funding_kind", "amount"]
        widgets = {"starts_on": forms.DateInput(attrs={"type": "month"}, format="%Y-%m")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A month input sends 2026-04; a browser without one lets people type a whole date.
        self.fields["starts_on"].input_formats = ["%Y-%m", "%Y-%m-%d", "%d/%m/%Y"]
        choice_field(self, "funding_kind").choices = [
            ("", _("Every funding kind")),
            *FundingSource.Kind.choices,
        ]

    def clean_starts_on(self):
        return month_of(self.cleaned_data["starts_on"])


MAX_RATES = 24

ContributionRateFormSet = inlineformset_factory(
    Campaign,
    ContributionRate,
    form=ContributionRateForm,
    extra=1,
    can_delete=True,
    max_num=MAX_RATES,
    absolute_max=MAX_RATES,
    validate_max=True,
)


class AllocationForm(forms.Form):
    region = RegionCodeField(
        Region.objects.none(),
        label=_("Region (code)"),
        help_text=_("Every village under this province, regency or district gets the quota."),
    )
    target = forms.IntegerField(label=_("Slots per village"), min_value=1, max_value=MAX_TARGET, initial=100)
    only_desa = forms.BooleanField(label=_("Only desa (leave out kelurahan)"), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        model_choice(self, "region").queryset = Region.objects.for_user(user).exclude(
            level=Region.Level.VILLAGE
        )
        self.fields["region"].error_messages["invalid_choice"] = _(
            "Not a province, regency/city or district in your area."
        )


class QuotaForm(forms.ModelForm):
    class Meta:
        model = Quota
        fields = ["target", "baseline"]
        widgets = {
            "target": forms.NumberInput(attrs={"min": 0, "class": "form-control-sm", "inputmode": "numeric"}),
            "baseline": forms.NumberInput(
                attrs={"min": 0, "class": "form-control-sm", "inputmode": "numeric"}
            ),
        }


class QuotaUploadForm(CsvUploadForm):
    help_text = _(
        "One village per line: village_code,target[,baseline], e.g. 32.14.16.2005,100,52 "
        "(commas or semicolons, as Excel saves it)."
    )


QUOTA_SORTS = {
    "code": ("village__code",),
    # Ties by village id, as the index on (campaign, fill, village) holds them: the whole order read
    # from it (ties by code sorted 83,762 quotas: 0.37 s for the administrator, issue 25).
    "fill": ("fill", "village_id"),
    "-fill": ("-fill", "-village_id"),
}


class QuotaFilterForm(forms.Form):
    q = forms.CharField(label=_("Village"), required=False)
    district = forms.ChoiceField(label=_("District"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[("code", _("by code")), ("-fill", _("fullest first")), ("fill", _("emptiest first"))],
    )

    def __init__(self, *args, districts: list[Region], **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "district").choices = [("", _("All districts"))] + [
            (d.code, f"{d.code} {d.name}") for d in districts
        ]
