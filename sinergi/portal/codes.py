"""Tracking codes: long, random, easy to read aloud and to type on a phone, never stored in clear.

A code is 20 characters from an alphabet without look-alikes (no 0/O, 1/I/L), shown in groups of four:
"K7QM-3XTA-9PWD-HV4N-E2RC". That is 100 bits: guessing one among millions of reports is hopeless even
without the rate limits. Only a keyed hash is stored (sinergi.core.crypto.blind_index).
"""

from __future__ import annotations

import re
import secrets

from sinergi.core.crypto import blind_index

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 20
_NOT_CODE = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, LENGTH, 4))


def normalise(code: str) -> str | None:
    """The code as typed (any case, with or without spaces and dashes) in canonical form, or None."""
    text = _NOT_CODE.sub("", (code or "")[:80]).upper()
    if len(text) != LENGTH or any(ch not in ALPHABET for ch in text):
        return None
    return text


def code_hash(code: str) -> str | None:
    canonical = normalise(code)
    return blind_index(canonical, purpose="portal-tracking-code") if canonical else None


def token_hash(token: str) -> str:
    return blind_index((token or "")[:100], purpose="portal-form-token")
