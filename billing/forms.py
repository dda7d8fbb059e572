from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.phones import normalize_phone
from config.uploads import scan_field, validate_scan

from .models import Payer, PayerContact, Payment
from .services import reference_taken


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["channel", "reference", "amount", "paid_on"]
        widgets = {"paid_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    proof = scan_field(_("Proof of payment (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["paid_on"].initial = timezone.localdate()
        self.fields["amount"].min_value = 1

    def clean_paid_on(self):
        paid_on = self.cleaned_data["paid_on"]
        if paid_on > timezone.localdate():
            raise forms.ValidationError(_("A payment cannot be dated in the future."))
        return paid_on

    def clean_reference(self):
        return self.cleaned_data["reference"].strip()

    def clean(self):
        data = super().clean()
        channel, reference = data.get("channel"), data.get("reference")
        if channel and reference and (taken := reference_taken(channel, reference)):
            self.add_error("reference", taken)
        return data

    def validate_unique(self) -> None:
        """The reference's uniqueness is said by `clean`, naming the payment that has it (the
        constraint's own message cannot); the database still holds it (a race is the service's)."""

    def clean_proof(self):
        proof = self.cleaned_data.get("proof")
        return validate_scan(proof) if proof else proof


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
