"""Webhook signatures: HMAC-SHA256 over the raw request body, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import time

MAX_SKEW_SECONDS = 300


def hmac_hex(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def whatsapp_signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """Meta signs every webhook with the app secret: `X-Hub-Signature-256: sha256=<hex>`."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    return hmac.compare_digest(hmac_hex(secret, body), header[len("sha256=") :].strip().lower())


def sms_signature_ok(
    secret: str, body: bytes, signature: str | None, timestamp: str | None, *, now=None
) -> bool:
    """The SMS gateway signs `<timestamp>.<body>` (`X-Sinergi-Timestamp`, `X-Sinergi-Signature: <hex>`); a
    timestamp more than five minutes away is refused, so a captured request cannot be replayed later."""
    if not secret or not signature or not timestamp or not timestamp.isdigit():
        return False
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    expected = hmac_hex(secret, timestamp.encode("ascii") + b"." + body)
    return hmac.compare_digest(expected, signature.strip().lower())
