"""What the people app adds to core: its menu entry and home card, and its demo people; see sinergi.core.registry
and sinergi.core.demo."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.demo import register_demo_seeder
from sinergi.core.registry import NavEntry, register_nav


def _href(user: Any) -> str:
    return reverse("people:index")


def register() -> None:
    register_nav(
        NavEntry(
            key="people",
            label=_("People"),
            order=30,
            href=_href,
            path_prefix="/people/",
            card_title=_("People"),
            card_text=_("Victims, witnesses, suspects and reporters, with protected identifiers."),
        )
    )
    register_demo_seeder("people", "sinergi.people.demo:seed_people", phase="base", order=20)
