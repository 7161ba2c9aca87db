"""What the portal adds to core: a link to the public pages in the staff site's footer (officers hand the Cek
Lowongan address to families; the sign-in page is where a member of the public who took a wrong turn lands)."""

from __future__ import annotations

from django.urls import reverse

from sinergi.core.registry import register_context


def _portal_url(request) -> str:
    return reverse("portal:home")


def register() -> None:
    register_context("public_portal_url", _portal_url)
