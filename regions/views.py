from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.db.models.functions import Left
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from accounts.decorators import official_required
from config.requests import AuthenticatedHttpRequest

from .codes import LENGTH_BY_LEVEL
from .models import Region

SEARCH_LIMIT = 50
PICKER_LIMIT = 20


def _villages_by_child(parent: Region | None) -> dict[str, int]:
    """Village counts for each child of `parent` (the provinces when None), in one grouped query."""
    child_level = parent.level + 1 if parent else 1
    villages = Region.objects.villages()
    if parent:
        villages = villages.below(parent)
    rows = (
        villages.annotate(prefix=Left("code", LENGTH_BY_LEVEL[child_level]))
        .values("prefix")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["prefix"]: row["n"] for row in rows}


def _children(parent: Region | None) -> list[Region]:
    children = (
        Region.objects.filter(parent=parent)
        .annotate(child_count=Count("children"), village_count=Count("children"))
        .order_by("code")
    )
    # A district's count of children is already its village count; above that, villages are counted apart.
    if parent is None or parent.level == Region.Level.PROVINCE:
        villages = _villages_by_child(parent)
        for child in children:
            child.village_count = villages.get(child.code, 0)
    return list(children)


# Region names and codes are public Kemendagri data, so any signed-in user may browse the whole tree.
@login_required
def region_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "regions/region_list.html", {"children": _children(None), "show_villages": True})


@login_required
def region_detail(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(Region, code=code)
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "ancestors": region.ancestors(),
            "children": _children(region),
            "show_villages": region.level == Region.Level.PROVINCE,
        },
    )


@login_required
def region_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search all 91,599 regions by code prefix or name; htmx asks for the results alone."""
    query = request.GET.get("q", "").strip()
    results = (
        list(Region.objects.search(query).select_related("parent__parent")[:SEARCH_LIMIT]) if query else []
    )
    template = "regions/includes/search_results.html" if request.htmx else "regions/region_search.html"
    return render(request, template, {"query": query, "results": results, "limit": SEARCH_LIMIT})


@official_required
def village_picker(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Villages in the official's reach matching the text, to pick into an agent's village list."""
    query = request.GET.get("q", "").strip()
    villages = []
    if len(query) >= 2:
        villages = list(
            Region.objects.for_user(request.user)
            .villages()
            .search(query)
            .select_related("parent__parent")[:PICKER_LIMIT]
        )
    return render(request, "regions/includes/village_picker.html", {"villages": villages, "query": query})
