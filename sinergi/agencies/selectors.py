"""Reads about agencies, users and their sessions."""

from __future__ import annotations

from django.conf import settings

from sinergi.agencies.choices import UserKind

SESSION_OTP_VERIFIED = "sinergi_otp_verified"


def session_is_fully_authenticated(request) -> bool:
    """True when the signed-in user has passed every factor this deployment requires."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.kind == UserKind.SYSTEM:
        return False  # integrated systems use API tokens, never a browser session
    if request.session.get(SESSION_OTP_VERIFIED):
        return True
    return not settings.SINERGI_REQUIRE_2FA and not user.has_totp
