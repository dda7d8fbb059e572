"""Bootstrap 5 markup for Django's own field rendering (`{{ field.as_field_group }}`).

crispy-forms renders most forms. The agents' enrollment form, the most requested page, uses this
instead: rendering it with crispy took about 100 ms per request on the benchmark machine against
about 10 ms this way (bench/README.md).
"""

from django import forms
from django.forms.renderers import TemplatesSetting


class BootstrapFormRenderer(TemplatesSetting):
    """Form templates come from the project's TEMPLATES (so templates/includes/field.html is found)."""

    field_template_name = "includes/field.html"


class BootstrapWidgetsMixin:
    """Give each widget the Bootstrap class it needs; the field template does the rest."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class BootstrapForm(BootstrapWidgetsMixin, forms.Form):
    """A plain form rendered with Django's own field templates (`{{ field.as_field_group }}`), for
    the filter forms of the busiest lists (django-filter's `Meta.form`)."""


MAX_ID = 2**63 - 1  # the largest primary key PostgreSQL's bigint holds


def parse_ids(values: list[str]) -> list[int]:
    """Ids posted by a page (ticked rows, a chosen campaign), keeping only what can be one: a forged
    `abc`, `1.5` or 20-digit number is simply not an id, never a server error."""
    # isascii: "¹" and "٣" are digits to str.isdigit but not to int().
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) < 20 and int(v) <= MAX_ID]


def model_choice(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A form's model choice field as the type it is (`form.fields` holds plain Fields to the checker),
    to narrow its queryset to the user's reach."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field as the type it is, to set its choices."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field
