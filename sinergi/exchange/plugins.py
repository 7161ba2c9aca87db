"""What the exchange app adds to core: its menu entry (see sinergi.core.registry)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.registry import NavEntry, register_nav


def _href(user: Any) -> str | None:
    from sinergi.exchange.imports.access import may_import_any

    # A user who may import nothing sees the module as still to come (core's placeholder).
    if user is not None and (may_import_any(user) or getattr(user, "is_superuser", False)):
        return reverse("exchange:index")
    return None


def register() -> None:
    register_nav(
        NavEntry(key="exchange", label=_("Data exchange"), order=40, href=_href, path_prefix="/exchange/")
    )
