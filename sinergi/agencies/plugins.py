"""What the agencies app adds to core: its menu entry, the API's authentication of sessions and tokens (users and
tokens are this app's), and the demo's agencies and logins; see sinergi.core.registry and sinergi.core.demo."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.core.demo import register_demo_seeder
from sinergi.core.registry import (
    ApiAuthentication,
    NavEntry,
    WorkSection,
    register_api_authentication,
    register_nav,
    register_worklist,
)


def _session_ok(request: HttpRequest) -> bool:
    from sinergi.agencies.selectors import session_is_fully_authenticated

    return session_is_fully_authenticated(request)


def _token_user(raw: str) -> tuple[Any, Any]:
    from sinergi.agencies.services import api_token_authenticate

    return api_token_authenticate(raw=raw)


def _href(user: Any) -> str:
    return reverse("agencies:index")


def _worklist(user: Any) -> list[WorkSection]:
    from sinergi.agencies.worklist import worklist_sections

    return worklist_sections(user)


def register() -> None:
    register_worklist("agencies", _worklist, order=80)
    register_nav(
        NavEntry(
            key="agencies",
            label=_("Agencies"),
            order=80,
            href=_href,
            path_prefix="/agencies/",
        )
    )
    register_api_authentication(ApiAuthentication(session_ok=_session_ok, token_user=_token_user))
    register_demo_seeder("agencies", "sinergi.agencies.demo:seed_agencies", phase="base", order=10)
    register_demo_seeder(
        "platform_admin", "sinergi.agencies.demo:seed_platform_admin", phase="finish", order=10
    )
