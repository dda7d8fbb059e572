"""A list's filter panel, drawn only when it is opened or a filter is applied.

Rendering a list's filter form (seven fields through Django's widget templates) cost 16 ms of the
enrollment list's 60 on every request (issue 25), for a panel that starts closed. The page now sends
the panel closed and empty; opening it fetches the fields (htmx, `?filters=form`), and without
JavaScript its link reloads the page with the panel open (`?filters=open`).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_filters import FilterSet

PARAM = "filters"


def filter_fields(
    request: HttpRequest, filterset: FilterSet, extra: str = "", context: dict | None = None
) -> HttpResponse | None:
    """The panel's fields alone when the page asks for them (the view answers before reading its
    list), else None. `extra`: a template of the page's own fields beside the filters, drawn with
    `context`."""
    if request.GET.get(PARAM) != "form":
        return None
    return render(
        request,
        "includes/filter_fields.html",
        {"filter": filterset, "filter_extra": extra, **(context or {})},
    )


def panel_context(request: HttpRequest, filterset: FilterSet) -> dict:
    """Open with its fields when a filter is applied or the user asked without JavaScript."""
    return {
        "filter": filterset,
        "filters_open": bool(filterset.form.changed_data) or request.GET.get(PARAM) == "open",
    }
