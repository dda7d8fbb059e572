from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import PhoneField
from accounts.models import User
from campaigns.models import Campaign, FundingSource, Quota
from config.forms import BootstrapWidgetsMixin
from regions.models import Region

from .models import Heir, Worker
from .nik import check_nik
from .services import age_problem

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class QuotaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, quota: Quota) -> str:
        return _("%(campaign)s — %(village)s (%(left)s slots left)") % {
            "campaign": quota.campaign.name,
            "village": quota.village.display_name,
            "left": quota.left,
        }


def open_quotas_for(user: User):
    """The village quotas a user can enroll into: active campaigns, villages in reach."""
    return (
        Quota.objects.for_user(user)
        .filter(campaign__status=Campaign.Status.ACTIVE)
        .select_related("campaign", "village")
        .order_by("campaign__name", "village__code")
    )


class WorkerForm(forms.ModelForm):
    """The worker's data, NIK first, as an agent types it from the KTP. Shared by entry and correction."""

    # Two heirs fit the phone form: the first is required, the second optional; more go in via admin.
    heir_name = forms.CharField(label=_("Heir's name"), max_length=150)
    heir_relationship = forms.ChoiceField(label=_("Relationship"), choices=Heir.Relationship.choices)
    heir_nik = forms.CharField(label=_("Heir's NIK (optional)"), max_length=16, required=False)
    heir2_name = forms.CharField(label=_("Second heir's name (optional)"), max_length=150, required=False)
    heir2_relationship = forms.ChoiceField(
        label=_("Relationship"),
        choices=Heir.Relationship.choices,
        initial=Heir.Relationship.CHILD,
        required=False,
    )
    heir2_nik = forms.CharField(label=_("Second heir's NIK (optional)"), max_length=16, required=False)

    class Meta:
        model = Worker
        fields = [
            "nik",
            "full_name",
            "birth_date",
            "sex",
            "phone",
            "address",
            "occupation",
            "occupation_other",
            "monthly_income",
            "kk_number",
        ]
        field_classes = {"phone": PhoneField}
        widgets = {
            "nik": forms.TextInput(
                attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 16, "autofocus": True}
            ),
            "birth_date": DATE_INPUT,
            "phone": forms.TextInput(attrs={"inputmode": "tel", "placeholder": "0812 3456 7890"}),
            "monthly_income": forms.NumberInput(attrs={"inputmode": "numeric", "placeholder": "1500000"}),
            "kk_number": forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 16}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str] = []
        self.fields["birth_date"].required = False
        self.fields["sex"].required = False
        self.fields["birth_date"].help_text = _("Filled from the NIK.")
        self.fields["occupation_other"].help_text = _("Only when the occupation is Other.")
        if self.instance.pk:
            self.fields["nik"].disabled = True  # a correction never moves an enrollment to another person
            for prefix, heir in zip(("heir", "heir2"), self.instance.heirs.all()[:2], strict=False):
                self.initial.update(
                    {
                        f"{prefix}_name": heir.name,
                        f"{prefix}_relationship": heir.relationship,
                        f"{prefix}_nik": heir.nik,
                    }
                )

    def validate_unique(self):
        pass  # an existing NIK is a returning worker, not an error: the service updates them

    def clean_nik(self) -> str:
        check = check_nik(self.cleaned_data["nik"])
        if check.errors:
            raise forms.ValidationError(check.errors)
        self.nik_check = check
        return check.nik

    def clean_kk_number(self) -> str:
        kk = "".join(self.cleaned_data.get("kk_number", "").split())
        if kk and (len(kk) != 16 or not kk.isdigit()):
            raise forms.ValidationError(_("A family card (KK) number has 16 digits."))
        return kk

    def _clean_heir_nik(self, name: str) -> str:
        nik = self.cleaned_data.get(name, "").strip()
        errors = check_nik(nik).errors if nik else []
        if errors:
            raise forms.ValidationError(errors)
        return nik

    def clean_heir_nik(self) -> str:
        return self._clean_heir_nik("heir_nik")

    def clean_heir2_nik(self) -> str:
        return self._clean_heir_nik("heir2_nik")

    def clean(self):
        data = super().clean()
        check = getattr(self, "nik_check", None)
        if check:
            # Filled from the NIK when left empty; when typed, they must agree with it.
            if data.get("birth_date") and data["birth_date"] != check.birth_date:
                self.add_error(
                    "birth_date",
                    _("The birth date does not match the NIK (%(date)s).")
                    % {"date": check.birth_date.strftime("%d-%m-%Y")},
                )
            if data.get("sex") and data["sex"] != check.sex:
                self.add_error("sex", _("The sex does not match the NIK."))
            data["birth_date"], data["sex"] = (
                data.get("birth_date") or check.birth_date,
                data.get("sex") or check.sex,
            )
        if data.get("heir2_name") and not data.get("heir2_relationship"):
            self.add_error("heir2_relationship", _("Choose the relationship."))
        if data.get("occupation") == Worker.Occupation.OTHER and not data.get("occupation_other"):
            self.add_error("occupation_other", _("Name the occupation."))
        if data.get("occupation") != Worker.Occupation.OTHER:
            data["occupation_other"] = ""
        return data

    def add_region_warnings(self, village: Region) -> None:
        """A NIK issued elsewhere is normal (people move; regions split): a warning, never an error."""
        check = getattr(self, "nik_check", None)
        if not check:
            return
        if not Region.objects.filter(code=check.district_code).exists():
            self.warnings.append(
                _(
                    "The NIK was issued in district %(code)s, which is not in today's region list (perhaps before a region split)."
                )
                % {"code": check.district_code}
            )
        elif not village.code.startswith(f"{check.district_code}."):
            self.warnings.append(
                _(
                    "The NIK was issued in district %(code)s, not in the village's district; check that the worker lives here."
                )
                % {"code": check.district_code}
            )

    def worker_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields if name != "nik"}

    def heirs(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "name": data[f"{prefix}_name"],
                "relationship": data[f"{prefix}_relationship"],
                "nik": data[f"{prefix}_nik"],
            }
            for prefix in ("heir", "heir2")
            if data.get(f"{prefix}_name")
        ]


class EnrollmentForm(BootstrapWidgetsMixin, WorkerForm):
    """A new sign-up: which village quota, who pays, consent, and the worker."""

    quota = QuotaChoiceField(Quota.objects.none(), label=_("Campaign and village"), empty_label=None)
    funding_source = forms.ModelChoiceField(
        FundingSource.objects.none(),
        label=_("Funding source"),
        required=False,
        empty_label=_("(campaign budget)"),
    )
    not_hospitalised = forms.BooleanField(label=_("The worker declares they are not in hospital today."))
    consent = forms.BooleanField(
        label=_("The worker agrees that their data is processed for this enrollment (UU 27/2022).")
    )

    field_order = ["quota", "nik"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        quotas = open_quotas_for(user)
        self.fields["quota"].queryset = quotas
        self.fields["funding_source"].queryset = FundingSource.objects.filter(
            campaign__in=quotas.values("campaign")
        ).select_related("campaign")

    def clean(self):
        data = super().clean()
        quota, source = data.get("quota"), data.get("funding_source")
        if quota and source and source.campaign_id != quota.campaign_id:
            self.add_error("funding_source", _("This funding source belongs to another campaign."))
        if quota:
            # The service refuses the same; here the message sits by the birth date.
            born = data.get("birth_date")
            if born and (problem := age_problem(quota.campaign, born, timezone.localdate())):
                self.add_error("birth_date", problem)
            self.add_region_warnings(quota.village)
        return data

    def worker_fields(self) -> dict:
        return {
            **super().worker_fields(),
            "village": self.cleaned_data["quota"].village,
            "consent_at": timezone.now(),
        }


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=250, widget=forms.TextInput)


class ActivateForm(forms.Form):
    kpj_number = forms.CharField(label=_("Membership number (KPJ)"), max_length=20)
    coverage_starts = forms.DateField(label=_("Coverage starts"), widget=DATE_INPUT)


class CardForm(forms.Form):
    handed_over_on = forms.DateField(
        label=_("Card handed over on"), widget=DATE_INPUT, initial=timezone.localdate
    )
