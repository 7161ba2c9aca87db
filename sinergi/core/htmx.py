"""One view renders the full page or just the fragment HTMX asked for (as NetBox's utilities/htmx.py)."""


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-Boosted") != "true"
