from __future__ import annotations

import re

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from regions.models import Region

from . import two_factor
from .models import User
from .phones import normalize_phone


class PhoneField(forms.CharField):
    """An Indonesian phone number as typed (0812 3456 7890, +62 812-3456-7890), cleaned to E.164."""

    def __init__(self, *args, **kwargs):
        kwargs["max_length"] = 24  # room for the spaces and dashes people type; E.164 fits in 16
        super().__init__(*args, **kwargs)

    def clean(self, value) -> str:
        value = super().clean(value)
        if not value:
            return ""
        e164 = normalize_phone(value)
        if e164 is None:
            raise forms.ValidationError(_("Not a valid Indonesian phone number."))
        return e164


class CodeListWidget(forms.Textarea):
    """Region codes typed or picked into a text box, one per line (commas and spaces work too).

    Lighter than a <select> of thousands of villages, and the picker next to it fills it in.
    """

    def __init__(self, attrs=None):
        super().__init__({"rows": 3, "class": "font-monospace", **(attrs or {})})

    def format_value(self, value):
        if not value:
            return ""
        return "\n".join(str(v) for v in value)

    def value_from_datadict(self, data, files, name):
        return [code for code in re.split(r"[\s,;]+", data.get(name, "")) if code]


class VillagesField(forms.ModelMultipleChoiceField):
    """Villages by code, limited to a queryset: a code outside it is refused by name."""

    widget = CodeListWidget

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": _("%(value)s is not a village in your area.")},
        )
        super().__init__(queryset, **kwargs)


class AgentFieldsMixin(forms.ModelForm):
    """The fields an official sets on an agent; villages narrowed to the official's reach."""

    def __init__(self, *args, official: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["regions"] = VillagesField(
            Region.objects.for_user(official).villages(),
            label=_("Villages"),
            help_text=_(
                "Village codes, one per line, e.g. 32.14.16.2005. Use the search below to find them."
            ),
        )
        self.fields["first_name"].required = True
        self.fields["first_name"].label = _("Name")


class AgentCreateForm(AgentFieldsMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ["username", "first_name", "last_name", "phone", "regions"]
        field_classes = {"phone": PhoneField}


class AgentEditForm(AgentFieldsMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "regions"]
        field_classes = {"phone": PhoneField}


class NewAuthenticatorForm(forms.Form):
    """The first code of an authenticator being set up (checked against that new one only)."""

    code = forms.CharField(
        label=_("The code your app shows"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 10}
        ),
    )


class CodeForm(NewAuthenticatorForm):
    """A code from the user's authenticator app (six digits), or one of their recovery codes."""

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].label = _("Code")
        self.user = user
        self.device = None

    def clean_code(self) -> str:
        code = self.cleaned_data["code"]
        waited = two_factor.waiting(self.user)  # asked before trying: a wrong code makes the next wait
        self.device = two_factor.code_device(self.user, code)
        if self.device is None and waited:
            raise forms.ValidationError(
                _("Too many wrong codes. Wait a moment, then type the code your app shows.")
            )
        if self.device is None:
            raise forms.ValidationError(
                _("This code is not right, or was already used. Type the code your app shows now.")
            )
        return code


class FreshCodeField(forms.CharField):
    """A code asked again for one action (whole numbers, erasure), whoever signed in with one: the
    field knows whose authenticator checks it."""

    def __init__(self, user: User):
        super().__init__(
            label=_("Code from your authenticator app"),
            max_length=20,
            required=False,
            help_text=_("Asked again for this, even when you signed in with a code."),
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        )
        self.user = user


def ask_fresh_code(form: forms.Form, user: User) -> None:
    """Add a fresh code's field to the form for a user who signs in with one; the form's clean()
    then calls `check_fresh_code`."""
    if two_factor.uses_two_factor(user):
        form.fields["code"] = FreshCodeField(user)


def check_fresh_code(form: forms.Form, needed: bool = True) -> None:
    field = form.fields.get("code")
    if not isinstance(field, FreshCodeField) or not needed:
        return
    code = form.cleaned_data.get("code") or ""
    if not code.strip():
        form.add_error("code", _("Type the code your authenticator app shows now."))
    elif two_factor.code_device(field.user, code) is None:
        form.add_error(
            "code", _("This code is not right, or was already used. Type the code your app shows now.")
        )
