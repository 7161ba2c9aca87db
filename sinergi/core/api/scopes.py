"""Which scope an API request needs, for the tokens of integrated systems.

The scope is `<area>:read` for GET, HEAD and OPTIONS and for the POST actions a view names in `read_actions`
(a search whose words travel in the body, never in an address), and `<area>:write` otherwise; the area is the view's
`api_scope` attribute ("" for none), or else the app its module belongs to (`sinergi.cases.api.views` -> "cases"). A view
outside the apps (the schema, the API browser) needs none. An `api_scope` naming a whole scope ("imports:write")
is needed for every method: the import's reads and writes are one grant, as are the export's. Tokens and their scopes are the agencies app's; the
check is made where every token is read (`core.api.authentication.TokenAuthentication`).
"""

from __future__ import annotations

from typing import Any

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def required_scope(view: Any, method: str) -> str | None:
    area = getattr(view, "api_scope", None)
    if area == "":
        return None  # the view needs no scope (who am I)
    if area and ":" in area:
        return area
    if area is None:
        parts = type(view).__module__.split(".")
        if len(parts) < 3 or parts[0] != "sinergi":
            return None
        area = parts[1]
    reads = method.upper() in SAFE_METHODS or getattr(view, "action", None) in getattr(
        view, "read_actions", ()
    )
    return f"{area}:{'read' if reads else 'write'}"
