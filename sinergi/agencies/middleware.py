"""Keeps a signed-in session that has not passed the required factors away from everything but the login flow.

The login view only calls `login()` after every required factor, so this is a second line of defence: a session
that is authenticated without the verified flag (an old session, a test's `force_login`, an integrated system)
gets a redirect to the second-factor page, or a 401 in the uniform error format for the API.
"""

from __future__ import annotations

from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from sinergi.agencies.choices import UserKind
from sinergi.agencies.selectors import session_is_fully_authenticated

_OPEN_PREFIXES = ("/static/", "/i18n/", "/portal/")
_OPEN_ACCOUNT_PATHS = (
    "accounts:two_factor",
    "accounts:two_factor_setup",
    "accounts:logout",
    "accounts:login",
)


class AccountStateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or session_is_fully_authenticated(request):
            return self.get_response(request)
        if user.kind == UserKind.SYSTEM:
            logout(request)
            return self.get_response(request)
        path = request.path
        if path.startswith("/api/"):
            if request.META.get("HTTP_AUTHORIZATION"):
                return self.get_response(request)  # a bearer token decides, not the half-open session
            body = {
                "error": {
                    "code": "not_authenticated",
                    "message": _("Sign-in is not complete: the second factor is required."),
                    "fields": None,
                }
            }
            response = JsonResponse(body, status=401)
            response["WWW-Authenticate"] = "Token"
            return response
        if path.startswith(_OPEN_PREFIXES) or path in {reverse(name) for name in _OPEN_ACCOUNT_PATHS}:
            return self.get_response(request)
        return redirect(reverse("accounts:two_factor") + "?" + urlencode({"next": request.get_full_path()}))
