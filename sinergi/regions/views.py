"""Region pages: the autocomplete fragment used by RegionAutocompleteWidget, and a small browser."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sinergi.core.htmx import is_htmx
from sinergi.regions.choices import RegionLevel
from sinergi.regions.selectors import region_search

AUTOCOMPLETE_LIMIT = 20


def parse_levels(raw: str | None) -> list[int] | None:
    """ "3,4" -> [3, 4]; anything that is not a level is ignored.

    Lenient on purpose, for the pages only: the picker widget sends levels it was built with, and a person who
    edits the region page's address gets a list to look at rather than an error page. The API reads the same
    parameters through RegionListQuerySerializer and refuses a bad one, because a program cannot see that its
    filter was dropped and would take "every region" for the answer it asked for."""
    valid = set(RegionLevel.values)
    levels = []
    for part in (raw or "").split(","):
        part = part.strip()
        if part.isdigit() and int(part) in valid:
            levels.append(int(part))
    return levels or None


@require_GET
@login_required
def autocomplete(request):
    """HTML fragment: up to 20 regions as buttons carrying their code (consumed by the picker widget)."""
    query = request.GET.get("q", "")[:100]
    regions = region_search(
        query=query,
        levels=parse_levels(request.GET.get("level")),
        parent=request.GET.get("parent", "")[:13] or None,
    )
    results = list(regions.only("code", "name", "level", "kind", "path_name")[:AUTOCOMPLETE_LIMIT])
    return render(
        request,
        "regions/autocomplete_results.html",
        {"results": results, "query": query.strip(), "limit": AUTOCOMPLETE_LIMIT},
    )


@require_GET
@login_required
def index(request):
    """A searchable list of regions (the same search as the autocomplete), for looking a code up."""
    query = request.GET.get("q", "")[:100]
    levels = parse_levels(request.GET.get("level"))
    parent = request.GET.get("parent", "")[:13] or None
    regions = region_search(query=query, levels=levels, parent=parent)
    page = Paginator(regions.only("code", "name", "level", "kind", "path_name"), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "page_obj": page,
        "query": query,
        "level": levels[0] if levels and len(levels) == 1 else "",
        "levels": RegionLevel.choices,
        "searched": bool(query.strip() or levels or parent),
    }
    template = "regions/includes/region_table.html" if is_htmx(request) else "regions/index.html"
    return render(request, template, context)
