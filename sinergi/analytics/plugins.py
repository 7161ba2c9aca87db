"""What the analytics app adds to core: its menu entry and its demo data; see sinergi.core.registry and sinergi.core.demo."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.demo import register_demo_seeder
from sinergi.core.registry import NavEntry, register_nav


def _href(user: Any) -> str | None:
    from sinergi.analytics.access import can_use_analytics

    return reverse("analytics:index") if can_use_analytics(user) else None


def register() -> None:
    register_nav(
        NavEntry(key="analytics", label=_("Analytics"), order=60, href=_href, path_prefix="/analytics/")
    )
    # The order also picks the demo's random stream for analytics (seed * 1000 + 4).
    register_demo_seeder("analytics", "sinergi.analytics.demo:seed", phase="apps", order=4)
