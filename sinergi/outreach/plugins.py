"""What the outreach app adds to core: its menu entry and its demo data; see sinergi.core.registry and sinergi.core.demo."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.demo import register_demo_seeder
from sinergi.core.registry import NavEntry, WorkSection, register_nav, register_worklist


def _href(user: Any) -> str | None:
    from sinergi.outreach.models import can_view_outreach

    return reverse("outreach:index") if can_view_outreach(user) else None


def _worklist(user: Any) -> list[WorkSection]:
    from sinergi.outreach.worklist import worklist_sections

    return worklist_sections(user)


def register() -> None:
    register_worklist("outreach", _worklist, order=50)
    register_nav(
        NavEntry(key="outreach", label=_("Outreach"), order=50, href=_href, path_prefix="/outreach/")
    )
    # The order also picks the demo's random stream for outreach (seed * 1000 + 3).
    register_demo_seeder("outreach", "sinergi.outreach.demo:seed", phase="apps", order=3)
