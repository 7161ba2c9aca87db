"""Device cookies: the browsers that have signed in to an account, so guessing elsewhere cannot lock them out.

OWASP, "Slow Down Online Guessing Attacks with Device Cookies". A completed sign-in (every factor the account
requires) leaves a signed cookie in the browser, bound to a keyed hash of the username and a random nonce. At
the next password step, a valid cookie for the username typed makes the attempt a *trusted* one: its failures
count against that cookie (`DeviceLockout`, locked after SINERGI_LOCKOUT_THRESHOLD of them) and the account's
lock does not stop it; without one the attempt is *untrusted*, counts towards the account's lock and is
stopped by it. A locked, forged, expired or other account's cookie is no cookie. A trusted browser still needs
the password and the second factor.

One cookie per account, named after the username's hash: staff sharing an office computer each keep theirs.
The cookie is sent to the sign-in page only (its path), never with every request.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from sinergi.agencies import selectors
from sinergi.agencies.models import User
from sinergi.core.crypto import blind_index

COOKIE_PREFIX = "sinergi_device_"
COOKIE_SALT = "sinergi.agencies.device-cookie"


def _username_digest(username: str) -> str:
    # Keyed: the cookie, which is signed but not encrypted, does not show the username it belongs to.
    return blind_index(username.strip().lower(), purpose="device-cookie")


def _cookie_name(username: str) -> str:
    return COOKIE_PREFIX + _username_digest(username)[:16]


def _max_age() -> int:
    return settings.SINERGI_DEVICE_COOKIE_DAYS * 24 * 60 * 60


def nonce_hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode("ascii")).hexdigest()


def trusted_device(request: HttpRequest, *, username: str) -> str | None:
    """The nonce hash of this browser's valid, unlocked device cookie for `username`, or None (untrusted)."""
    value = request.get_signed_cookie(
        _cookie_name(username), default=None, salt=COOKIE_SALT, max_age=_max_age()
    )
    if not value:
        return None
    digest, _sep, nonce = value.partition(":")
    if not nonce or not secrets.compare_digest(digest, _username_digest(username)):
        return None
    hashed = nonce_hash(nonce)
    return None if selectors.device_is_locked(nonce_hash=hashed) else hashed


def device_cookie_set(response: HttpResponse, *, user: User) -> None:
    """Trusts this browser for `user` from now on: a fresh nonce each sign-in, so each lasts its full life."""
    response.set_signed_cookie(
        _cookie_name(user.username),
        f"{_username_digest(user.username)}:{secrets.token_urlsafe(16)}",
        salt=COOKIE_SALT,
        max_age=_max_age(),
        path=reverse("accounts:login"),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
