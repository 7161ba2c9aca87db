"""Masking the case's own people out of free text (the narrative) for a reader who may not see who they are.

Exact, not guesswork: the people are known records, so what is masked is their recorded names (the full name,
each alias, and every word of three letters or more of them), NIK, passport and phone numbers (with any
spaces, dots or dashes a writer puts between digits, and a phone written with 0, 62 or +62 in front) and
street address. Each is replaced by the role label the reader sees instead ("[Victim 1]"). Plain Python, no
Django: it can be tested alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

_SEP = r"[\s.\-/()]*"
MIN_NAME_WORD = 3


@dataclass(frozen=True)
class MaskTarget:
    """One person of the case, as the masking needs them."""

    label: str
    names: tuple[str, ...] = ()
    numbers: tuple[str, ...] = ()  # NIK, passport: exact characters, separators allowed between them
    phones: tuple[str, ...] = ()  # E.164
    addresses: tuple[str, ...] = ()
    extra: tuple[str, ...] = field(default=())


def _spaced(chars: str) -> str:
    return _SEP.join(re.escape(ch) for ch in chars)


def _phone_pattern(e164: str) -> str | None:
    digits = e164.lstrip("+")
    if not digits.isdigit() or len(digits) < 7:
        return None
    national = digits[2:] if digits.startswith("62") else digits
    prefix = r"(?:\+?62|0)?" if digits.startswith("62") else r"\+?"
    return prefix + _SEP + _spaced(national)


def _name_patterns(names: Iterable[str]) -> list[str]:
    words: set[str] = set()
    patterns: list[str] = []
    for name in names:
        name = name.strip()
        if not name:
            continue
        patterns.append(r"\s+".join(re.escape(part) for part in name.split()))
        words |= {w for w in re.findall(r"[^\W\d_]+", name) if len(w) >= MIN_NAME_WORD}
    # Longest first, so "Siti Rahayu" is one mask, not two.
    return sorted(patterns, key=len, reverse=True) + sorted(
        (re.escape(w) for w in words), key=len, reverse=True
    )


def mask_text(text: str, targets: Iterable[MaskTarget]) -> str:
    """`text` with every recorded identifier of `targets` replaced by "[label]"."""
    if not text:
        return text
    replacements: list[tuple[str, str]] = []
    for target in targets:
        mask = f"[{target.label}]"
        patterns = [_spaced(number) for number in target.numbers if number]
        patterns += [p for p in (_phone_pattern(phone) for phone in target.phones) if p]
        patterns += [re.escape(address.strip()) for address in target.addresses if address.strip()]
        patterns += _name_patterns((*target.names, *target.extra))
        replacements += [(pattern, mask) for pattern in patterns]
    for pattern, mask in replacements:
        text = re.sub(rf"(?<![\w]){pattern}(?![\w])", mask, text, flags=re.IGNORECASE)
    return text
