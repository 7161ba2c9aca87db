"""Writes about agencies, users, roles and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from sinergi.agencies.models import ApiToken, User

TOKEN_PREFIX = "sng_"  # noqa: S105 (a public prefix, not a secret)


def _hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def api_token_create(*, user: User, name: str, expires_at=None) -> tuple[ApiToken, str]:
    """Creates a token and returns it with its secret, which is never stored and cannot be shown again."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name, prefix=raw[:12], key_hash=_hash_token(raw), expires_at=expires_at)
    token.full_clean()
    token.save()
    return token, raw


def api_token_authenticate(*, raw: str) -> tuple[User | None, ApiToken | None]:
    token = ApiToken.objects.select_related("user", "user__agency").filter(key_hash=_hash_token(raw)).first()
    if token is None or not token.is_valid or not token.user.is_active:
        return None, None
    now = timezone.now()
    # Recording every use would write on every request; once a minute is enough to see a token is alive.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
