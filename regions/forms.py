from django import forms
from django.utils.translation import gettext_lazy as _


class RegionCodeField(forms.ModelChoiceField):
    """A region typed by its code (32.14), limited to a queryset; anything else is refused by name.

    A text box rather than a <select>: an official's reach can hold thousands of villages.
    """

    widget = forms.TextInput(
        attrs={"class": "font-monospace", "placeholder": "32.14", "inputmode": "decimal"}
    )

    def __init__(self, queryset, **kwargs):
        kwargs.setdefault("to_field_name", "code")
        kwargs.setdefault("error_messages", {"invalid_choice": _("That is not a region code in your area.")})
        super().__init__(queryset, **kwargs)

    def to_python(self, value):
        return super().to_python(value.strip() if isinstance(value, str) else value)
