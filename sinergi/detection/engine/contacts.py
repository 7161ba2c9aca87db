"""Contacts in a post: phone numbers (E.164 through phonenumbers), WhatsApp links, Telegram and other handles,
e-mail addresses.

phonenumbers is only asked about digit runs that look like phone numbers, so a post without one costs a single
regex pass.
"""

from __future__ import annotations

import functools
import re
from typing import Any

import phonenumbers
from phonenumbers import PhoneMetadata

_PHONE_CANDIDATE = re.compile(r"(?<![\w+])(?:\+|00)?\d(?:[ \t.\-()]{0,2}\d){7,14}(?![\w])")
_MONEY_LIKE = re.compile(r"\d{1,3}(?:[.,]\d{3})+")
# These run on the lower-cased text and start with a literal, so re skips quickly to candidates; the
# scheme ("https://") is read back from the text before the match.
_WA_LINK = re.compile(
    r"(?:wa\.me/\+?\d{6,15}|api\.whatsapp\.com/send/?\?phone=\+?\d{6,15}|"
    r"chat\.whatsapp\.com/[a-z0-9]{6,40}|wa\.link/[a-z0-9]{3,20})"
)
_TELEGRAM_LINK = re.compile(r"(?:t|telegram)\.me/(?:joinchat/)?(\+?[a-z0-9_]{3,64})")
_HANDLE = re.compile(r"(?<![\w@.])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{1,30}[A-Za-z0-9_])?)")
_TELEGRAM_CUE = re.compile(r"(?:telegram|tele|tg|telegr)\W{0,5}(?:\w+\W{1,3}){0,2}$", re.IGNORECASE)
_SOCIAL_LINK = re.compile(
    r"(instagram\.com|tiktok\.com|facebook\.com|fb\.com|x\.com|twitter\.com|line\.me)/(@?[a-z0-9_.]{2,60})"
)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_NON_DIGIT = re.compile(r"\D")
_PHONE_TYPES_OK = frozenset(
    {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        phonenumbers.PhoneNumberType.VOIP,
        phonenumbers.PhoneNumberType.PERSONAL_NUMBER,
        phonenumbers.PhoneNumberType.UNKNOWN,
    }
)


@functools.lru_cache(maxsize=64)
def _region_rules(region: str) -> tuple[str, str, re.Pattern[str], re.Pattern[str]] | None:
    """(country code, national prefix, valid-number regex) from phonenumbers' own metadata for a region."""
    meta = PhoneMetadata.metadata_for_region(region)
    if meta is None:
        return None
    types = [
        d.national_number_pattern for d in (meta.mobile, meta.fixed_line) if d and d.national_number_pattern
    ]
    if not types or not meta.general_desc or not meta.general_desc.national_number_pattern:
        return None
    valid = re.compile(meta.general_desc.national_number_pattern)
    typed = re.compile("|".join(f"(?:{t})" for t in types))
    return str(meta.country_code), meta.national_prefix or "", valid, typed


def _fast_e164(digits: str, international: bool, regions: tuple[str, ...]) -> str | None:
    """Mobile and fixed numbers of the likely regions, checked against phonenumbers' metadata without the
    (slow) general parser. Returns None when unsure; the caller then asks phonenumbers.parse."""
    for region in regions:
        rules = _region_rules(region)
        if rules is None:
            continue
        cc, prefix, valid, typed = rules
        if international:
            if not digits.startswith(cc):
                continue
            nsn = digits[len(cc) :]
        elif prefix and digits.startswith(prefix):
            nsn = digits[len(prefix) :]
        else:
            continue
        if valid.fullmatch(nsn) and typed.fullmatch(nsn):
            return f"+{cc}{nsn}"
    return None


@functools.lru_cache(maxsize=8192)
def _parse_phone_cached(digits: str, international: bool, regions: tuple[str, ...]) -> str | None:
    fast = _fast_e164(digits, international, regions)
    if fast:
        return fast
    attempts: list[tuple[str, str | None]] = []
    if international:
        attempts.append(("+" + digits, None))
    else:
        if not digits.startswith("0"):
            attempts.append(("+" + digits, None))  # 6281..., 60123..., 855... written without the plus
        attempts.extend((digits, region) for region in regions)
    for number, region in attempts:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return None


def _parse_phone(candidate: str, regions: list[str]) -> str | None:
    digits = _NON_DIGIT.sub("", candidate)
    if len(digits) < 8:
        return None
    stripped = candidate.lstrip()
    international = stripped.startswith("+")
    if not international and digits.startswith("00"):
        digits, international = digits[2:], True
    if not international and not digits.startswith("0") and _region_rules("ID") is not None:
        # "6281234567890": an international number written without "+"; try it as such first.
        fast = _fast_e164(digits, True, tuple(regions))
        if fast:
            return fast
    return _parse_phone_cached(digits, international, tuple(regions))


def extract_contacts(text: str, regions: list[str], low: str | None = None) -> dict[str, Any]:
    """Contacts found in ``text``; ``regions`` are the ISO regions to try for national numbers, in order.

    ``low`` is ``text`` lower-cased with the same length (the screener passes the one it already has).
    """
    if low is None or len(low) != len(text):
        low = text.lower()
        if len(low) != len(text):
            low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    phones: list[str] = []
    wa_links: list[str] = []
    telegram: list[str] = []
    others: list[str] = []
    emails: list[str] = []
    has_at = "@" in text
    if has_at:
        emails = list(dict.fromkeys(m.group(0).rstrip(".") for m in _EMAIL.finditer(text)))
    if "wa." in low or "whatsapp." in low:
        for m in _WA_LINK.finditer(low):
            wa_links.append("https://" + text[m.start() : m.end()])
    if ".me/" in low:
        for m in _TELEGRAM_LINK.finditer(low):
            if m.start() > 0 and low[m.start() - 1].isalnum():
                continue  # "wa.me/..." ends in "a.me/", not a Telegram link
            handle = text[m.start(1) : m.end(1)]
            telegram.append(handle if handle.startswith("+") else "@" + handle)
    if has_at:
        for m in _HANDLE.finditer(text):
            handle = "@" + m.group(1)
            if _TELEGRAM_CUE.search(text, max(0, m.start() - 25), m.start()):
                telegram.append(handle)
            else:
                others.append(handle)
    if ".com/" in low or "line.me/" in low:
        for m in _SOCIAL_LINK.finditer(low):
            host = m.group(1)
            name = text[m.start(2) : m.end(2)]
            if m.start() > 0 and (low[m.start() - 1].isalnum() or low[m.start() - 1] == "_"):
                continue
            if host == "line.me" and name.lower() in {"r", "ti"}:
                continue
            others.append(f"{host}/{name}")
    for m in _PHONE_CANDIDATE.finditer(text):
        candidate = m.group(0)
        if _MONEY_LIKE.fullmatch(candidate):
            continue
        e164 = _parse_phone(candidate, regions)
        if e164:
            phones.append(e164)
    return {
        "phones": list(dict.fromkeys(phones)),
        "wa_links": list(dict.fromkeys(wa_links)),
        "telegram_handles": list(dict.fromkeys(telegram)),
        "other_handles": list(dict.fromkeys(h for h in others if h not in telegram)),
        "emails": emails,
    }
