from __future__ import annotations

import uuid

from django import forms
from django.db.models import BLANK_CHOICE_DASH
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from accounts.forms import PhoneField, ask_fresh_code, check_fresh_code
from accounts.models import User
from campaigns.models import FundingSource, Quota
from config.forms import BootstrapWidgetsMixin, model_choice, parse_ids
from config.uploads import LineProblems, csv_lines, read_csv_upload

from . import eligibility
from .models import Enrollment, Heir, Worker
from .nearby import KnownNik, known_nik, near_duplicates
from .nik import check_nik, nik_digits
from .rules import age_problem

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
HEIR_PREFIXES = ("heir", "heir2")
MAX_QUOTA_CHOICES = 30


class QuotaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, quota: Quota) -> str:
        return _("%(campaign)s — %(village)s (%(left)s slots left)") % {
            "campaign": quota.campaign.name,
            "village": quota.village.display_name,
            "left": quota.left,
        }


class NikField(forms.CharField):
    """A NIK (or KK number) as people type it: spaces, dots and dashes allowed, kept as 16 digits.

    The input takes more than 16 characters on purpose: a browser's maxlength would silently cut a
    17th digit off, where the agent must see an error instead.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value) -> str:
        return nik_digits(super().to_python(value) or "")


class NikCheckedField(NikField):
    """A NIK that must pass the structural checks (digits, region, birth date, serial)."""

    def clean(self, value) -> str:
        value = super().clean(value)
        if value and (errors := check_nik(value).errors):
            raise forms.ValidationError(list(errors))
        return value


class DeclarationForm(forms.ModelForm):
    """What the worker declares at a sign-up, NIK first, as an agent types it from the KTP.

    Shared by entry and correction. The NIK, birth date and sex are the worker's identity: on a
    correction they are shown but fixed, since a correction never moves an enrollment to another person.
    """

    nik = NikCheckedField(label=_("NIK"))
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE_INPUT)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[*BLANK_CHOICE_DASH, *Worker.Sex.choices])
    # Two heirs fit the phone form: the first is required, the second optional.
    heir_name = forms.CharField(label=_("Heir's name"), max_length=150)
    heir_relationship = forms.ChoiceField(label=_("Relationship"), choices=Heir.Relationship.choices)
    heir_nik = NikCheckedField(label=_("Heir's NIK (optional)"), required=False)
    heir2_name = forms.CharField(label=_("Second heir's name (optional)"), max_length=150, required=False)
    heir2_relationship = forms.ChoiceField(
        label=_("Relationship"),
        choices=Heir.Relationship.choices,
        initial=Heir.Relationship.CHILD,
        required=False,
    )
    heir2_nik = NikCheckedField(label=_("Second heir's NIK (optional)"), required=False)

    class Meta:
        model = Enrollment
        fields = [*Enrollment.TYPED, *Enrollment.REMINDED_BY]
        field_classes = {"phone": PhoneField, "kk_number": NikField}
        widgets = {
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "monthly_income": forms.NumberInput(attrs={"inputmode": "numeric"}),
        }
        # Placeholders ("1500000", "0812 3456 7890") read as values already filled in: the examples
        # belong below the fields.
        help_texts = {
            "phone": _("For example 0812 3456 7890."),
            "monthly_income": _("Digits only: 1500000 for Rp1,500,000 a month."),
            "remind_by_sms": _(
                "The worker agrees to an SMS when their cover is about to lapse (no links, no NIK)."
            ),
            "remind_by_whatsapp": _(
                "The worker agrees to a WhatsApp message when their cover is about to lapse."
            ),
        }

    field_order = ["nik", "full_name", "birth_date", "sex"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings: list[str | Promise] = []
        self.fields["nik"].widget.attrs["autofocus"] = True
        self.fields["full_name"].required = True
        self.fields["kk_number"].required = False
        # Typed with spaces ("3214 1612 0585 0008") they are longer than the column: a browser's
        # maxlength would cut the last digits off unseen. The server drops the spaces, then checks.
        for name in ("kk_number", "phone"):
            self.fields[name].widget.attrs.pop("maxlength", None)
        self.fields["birth_date"].help_text = _("Filled from the NIK.")
        self.fields["occupation_other"].help_text = _("Only when the occupation is Other.")
        if self.instance.pk:
            worker = self.instance.worker
            self.initial.update({"nik": worker.nik, "birth_date": worker.birth_date, "sex": worker.sex})
            for name in ("nik", "birth_date", "sex"):
                self.fields[name].disabled = True
            for prefix, heir in zip(HEIR_PREFIXES, self.instance.heirs.current(), strict=False):
                self.initial.update(
                    {
                        f"{prefix}_name": heir.name,
                        f"{prefix}_relationship": heir.relationship,
                        f"{prefix}_nik": heir.nik,
                    }
                )

    def clean_kk_number(self) -> str:
        kk = self.cleaned_data.get("kk_number", "")
        if kk and (len(kk) != 16 or not (kk.isascii() and kk.isdigit())):
            raise forms.ValidationError(_("A family card (KK) number has 16 digits."))
        return kk

    def clean(self):
        data = super().clean()
        if data.get("nik") and not self.fields["nik"].disabled:
            check = check_nik(data["nik"])
            # Filled from the NIK when left empty; when typed, they must agree with it.
            if data.get("birth_date") and data["birth_date"] != check.birth_date:
                self.add_error(
                    "birth_date",
                    _("The birth date does not match the NIK (%(date)s).")
                    % {"date": date_format(check.birth_date)},
                )
            if data.get("sex") and data["sex"] != check.sex:
                self.add_error("sex", _("The sex does not match the NIK."))
            data["birth_date"], data["sex"] = check.birth_date, check.sex
            self.nik_check = check
        if data.get("heir2_name") and not data.get("heir2_relationship"):
            self.add_error("heir2_relationship", _("Choose the relationship."))
        if data.get("occupation") == Enrollment.Occupation.OTHER and not data.get("occupation_other"):
            self.add_error("occupation_other", _("Name the occupation."))
        if data.get("occupation") != Enrollment.Occupation.OTHER:
            data["occupation_other"] = ""
        return data

    def _post_clean(self):
        pass  # the model is validated by the service and the database, not by assigning to the instance

    def declaration(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}

    def heirs(self) -> list[dict[str, str] | None]:
        """The heirs by position (1, 2); None where the position was left empty."""
        data = self.cleaned_data
        return [
            {
                "name": data[f"{prefix}_name"],
                "relationship": data[f"{prefix}_relationship"],
                "nik": data[f"{prefix}_nik"],
            }
            if data.get(f"{prefix}_name")
            else None
            for prefix in HEIR_PREFIXES
        ]


class EnrollmentForm(BootstrapWidgetsMixin, DeclarationForm):
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
    # This entry's key (Enrollment.entry_key): the page's, sent again with every try of the same worker.
    entry_key = forms.UUIDField(required=False, widget=forms.HiddenInput)
    village_full = (
        False  # set by the view when the service refused for a full village: offer the reserve list
    )
    known: KnownNik | None = None  # what the workers' table holds of the NIK, once it is valid

    field_order = ["quota", "nik", "full_name", "birth_date", "sex"]

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.initial.setdefault("entry_key", uuid.uuid4())
        self.quotas = quotas = Quota.objects.open_for(user)  # the quota field's choices
        model_choice(self, "quota").queryset = quotas
        # An official of a province has thousands of villages: a <select> of them all weighed 630 KB.
        model_choice(self, "funding_source").queryset = FundingSource.objects.filter(
            campaign__in=quotas.values("campaign")
        ).select_related("campaign")

    @cached_property
    def quota_picker(self) -> bool:
        """An official of a province has thousands of villages: a <select> of them all weighed 630 KB.
        Past a few dozen, the village is searched for instead (quota_picker) and posted the same way.
        Asked only when the form is drawn, not on a submit. (Unordered: sorting a province's quotas
        by campaign and village only to count them cost 100 ms.)"""
        return len(self.quotas.order_by()[: MAX_QUOTA_CHOICES + 1]) > MAX_QUOTA_CHOICES

    def locked_lists(self) -> list[str]:
        """Why the user cannot add to some of their villages (a signed list), said before they type a
        worker; a picker's villages (too many to list) say it when one is picked."""
        if self.quota_picker:
            return []
        return [verdict.reason for quota in self.quotas if not (verdict := quota.unlocked_for(self.user))]

    def chosen_quota(self) -> Quota | None:
        """The village quota picked (posted or preselected), for the picker to show it picked."""
        value = self["quota"].value()
        ids = parse_ids([str(value)]) if value else []
        return self.quotas.filter(pk=ids[0]).first() if ids else None

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
            self.add_eligibility(quota)
        return data

    def add_eligibility(self, quota: Quota) -> None:
        """The campaign's rules of who it is for (enrollment.eligibility): a refusal is an error above
        the form, a warning is said after saving."""
        check = getattr(self, "nik_check", None)
        if not check or not check.valid:
            return
        self.known = known = known_nik(check.nik, quota.campaign)
        applicant = eligibility.Applicant(check.nik, quota.village, self.cleaned_data.get("occupation") or "")
        found = eligibility.findings(quota.campaign, [applicant], user=self.user, workers=known.workers())[0]
        for message in eligibility.refusals(found):
            self.add_error(None, message)
        self.warnings += eligibility.warnings(found)
        self.warnings += [
            near.message
            for near in near_duplicates(
                known, village=quota.village, user=self.user,
                full_name=self.cleaned_data.get("full_name") or "", born=check.birth_date,
                kk=self.cleaned_data.get("kk_number") or "",
            )
        ]  # fmt: skip

    def declaration(self) -> dict:
        return {**super().declaration(), "declared_not_hospitalised": self.cleaned_data["not_hospitalised"]}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=250, widget=forms.TextInput)


class ErasureForm(ReasonForm):
    """The reason for an erasure, and a fresh code from the official's authenticator app."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        ask_fresh_code(self, user)

    def clean(self):
        data = super().clean()
        check_fresh_code(self)
        return data


class ActivateForm(forms.Form):
    kpj_number = forms.CharField(
        label=_("Membership number (KPJ)"),
        max_length=40,  # typed with spaces; the service drops them and checks the 20 characters left
        help_text=_("The worker keeps one membership number across campaigns."),
    )
    coverage_starts = forms.DateField(label=_("Coverage starts"), widget=DATE_INPUT)


class KpjListForm(BootstrapWidgetsMixin, forms.Form):
    """Membership numbers as the BPJS branch sends them: `NIK,KPJ` lines pasted or in a CSV file."""

    kpj_list = forms.CharField(
        label=_("Membership numbers (NIK,KPJ per line)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "3214161508950001,25010000001"}),
    )
    kpj_file = forms.FileField(label=_("or a CSV file of NIK,KPJ"), required=False)

    def clean(self):
        data = super().clean()
        texts = [data.get("kpj_list") or ""]
        if upload := data.get("kpj_file"):
            texts.append(read_csv_upload(upload))
        self.pairs, problems = {}, []
        for text in texts:  # each with its own separator: a pasted list and an Excel file may differ
            problems += self._read_pairs(text)
        if problems:
            raise forms.ValidationError(problems)
        return data

    def _read_pairs(self, text: str) -> list[str]:
        problems = LineProblems()
        for number, cells in csv_lines(text):
            if isinstance(cells, Exception) or not any(cells):
                continue
            nik = nik_digits(cells[0])
            kpj = "".join(cells[1].split()) if len(cells) > 1 else ""
            if number == 1 and not nik.isdigit():
                continue  # a header row
            if len(nik) != 16 or not (nik.isascii() and nik.isdigit()) or not kpj:
                problems.add(number, _("expected a 16-digit NIK and a membership number"))
            else:
                self.pairs[nik] = kpj
        return problems.messages()

    def kpj_by_nik(self) -> dict[str, str]:
        return getattr(self, "pairs", {})

    def problems(self) -> list[str]:
        return [str(message) for messages in self.errors.values() for message in messages]


class CardForm(forms.Form):
    handed_over_on = forms.DateField(
        label=_("Card handed over on"), widget=DATE_INPUT, initial=timezone.localdate
    )
