"""Field-level encryption and blind indexes for personal identifiers (UU PDP No. 27/2022).

NIK, passport and phone numbers are stored encrypted with AES-256-GCM. Because ciphertext cannot be searched,
each such field also has a *blind index*: an HMAC-SHA256 of the normalised value under a separate key, so an
exact lookup ("who has this NIK?") is one indexed equality query without ever decrypting the table.

Both keys are derived from SINERGI_FIELD_KEY with HKDF, each for its own purpose. The stored token starts with
a key version so that a key can be rotated later without guessing which key wrote a row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_VERSION = "v1"  # noqa: S105 (a format version, not a secret)


class DecryptionError(Exception):
    """The stored token was not written with the configured key, or was altered."""


def _derive(master: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"sinergi-field-key", info=purpose).derive(
        master.encode("utf-8")
    )


@lru_cache(maxsize=4)
def _keys(master: str) -> tuple[bytes, bytes]:
    return _derive(master, b"encryption"), _derive(master, b"blind-index")


def _master_key() -> str:
    from django.conf import settings

    return settings.SINERGI_FIELD_KEY


def encrypt(plaintext: str, *, master: str | None = None) -> str:
    enc_key, _ = _keys(master or _master_key())
    nonce = os.urandom(12)
    sealed = AESGCM(enc_key).encrypt(nonce, plaintext.encode("utf-8"), TOKEN_VERSION.encode())
    return TOKEN_VERSION + ":" + base64.urlsafe_b64encode(nonce + sealed).decode("ascii")


def decrypt(token: str, *, master: str | None = None) -> str:
    enc_key, _ = _keys(master or _master_key())
    version, _, payload = token.partition(":")
    if version != TOKEN_VERSION or not payload:
        raise DecryptionError("unknown token version")
    raw = base64.urlsafe_b64decode(payload.encode("ascii"))
    try:
        return AESGCM(enc_key).decrypt(raw[:12], raw[12:], version.encode()).decode("utf-8")
    except Exception as exc:  # InvalidTag: wrong key or tampered data
        raise DecryptionError("cannot decrypt field") from exc


def blind_index(normalised_value: str, *, purpose: str, master: str | None = None) -> str:
    """Keyed hash of a value already normalised by the caller (digits only, E.164, upper case...).

    `purpose` separates the index spaces so the same digits as NIK and as phone never collide.
    """
    _, index_key = _keys(master or _master_key())
    message = purpose.encode("utf-8") + b"\x00" + normalised_value.encode("utf-8")
    return hmac.new(index_key, message, hashlib.sha256).hexdigest()


def log_digest(value: str | None, *, kind: str) -> str:
    """A short keyed hash of an identifier (an e-mail address, a username, a client address) for the
    security log.

    Lines about the same address or account can be matched, and whoever holds the key can check whether a given
    address is the one in a line; the log itself never holds the value. Case and surrounding spaces are ignored,
    as the lookups that the lines describe ignore them. 16 hex digits are plenty to tell the lines apart.
    """
    return blind_index(str(value or "-").strip().lower(), purpose=f"security-log:{kind}")[:16]
