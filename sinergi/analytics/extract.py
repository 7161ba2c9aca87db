"""Identifiers found in a post's text that the screening engine does not extract: bank accounts.

Plain Python, no Django. A bank account is a bank name followed, within a few words, by 8 to 16 digits
("transfer ke rekening BRI 1234 5678 90", "BCA a.n. Siti 0123456789").
"""

from __future__ import annotations

import re

BANKS = ("BRI", "BNI", "BCA", "MANDIRI", "BSI", "BTN", "CIMB", "DANAMON", "PERMATA", "MAYBANK", "BJB", "BPD")
_BANK_ACCOUNT = re.compile(
    r"\b(?P<bank>" + "|".join(BANKS) + r")\b[^\d\n]{0,30}?(?P<digits>\d[\d .-]{6,22}\d)", re.IGNORECASE
)


def bank_accounts(text: str) -> list[tuple[str, str]]:
    """(bank, digits) of every bank account written in `text`, in order, without repeats."""
    found: list[tuple[str, str]] = []
    for match in _BANK_ACCOUNT.finditer(text or ""):
        digits = re.sub(r"\D", "", match.group("digits"))
        if 8 <= len(digits) <= 16:
            pair = (match.group("bank").upper(), digits)
            if pair not in found:
                found.append(pair)
    return found


def masked(digits: str) -> str:
    return "…" + digits[-4:]
