"""Keeps a half-signed-in session (password given, second factor not yet) inside the login flow."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse

from sinergi.agencies.selectors import session_is_fully_authenticated

_OPEN_PREFIXES = ("/static/", "/i18n/", "/api/", "/accounts/", "/portal/")


class AccountStateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_OPEN_PREFIXES)
            and not session_is_fully_authenticated(request)
        ):
            return redirect(reverse("accounts:two_factor") + "?next=" + request.get_full_path())
        return self.get_response(request)
