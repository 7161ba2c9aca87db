"""Normalisation and blind-index keys of personal identifiers: one definition used by forms, imports and demo.

Pure functions apart from the key lookup in `sinergi.core.crypto`; a NIK, passport or phone number must be
normalised the same way wherever it is written or looked up, or the blind index silently stops matching.
"""

from __future__ import annotations

import re

import phonenumbers

from sinergi.core import crypto

DEFAULT_PHONE_REGION = "ID"


def normalise_nik(raw: str) -> str:
    """Digits only ("63.71.01 500190 0001" -> "6371015001900001"); validation is in sinergi.people.nik."""
    return re.sub(r"\D", "", raw or "")


def normalise_passport(raw: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", (raw or "").upper())


class InvalidPhoneNumber(ValueError):
    pass


def normalise_phone(raw: str, *, region: str = DEFAULT_PHONE_REGION) -> str:
    """E.164 form of a phone number as people write it ("0812-3456-7890", "+62 812...", "62812...")."""
    text = (raw or "").strip()
    if not text or not re.search(r"\d", text):
        raise InvalidPhoneNumber(raw)
    if re.fullmatch(r"62\d{8,13}", re.sub(r"[\s\-.()]", "", text)):
        text = "+" + re.sub(r"[\s\-.()]", "", text)
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhoneNumber(raw) from exc
    if not phonenumbers.is_possible_number(parsed) or not phonenumbers.is_valid_number(parsed):
        raise InvalidPhoneNumber(raw)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def nik_index(nik: str) -> str:
    return crypto.blind_index(normalise_nik(nik), purpose="nik") if nik else ""


def passport_index(passport: str) -> str:
    return crypto.blind_index(normalise_passport(passport), purpose="passport") if passport else ""


def phone_index(e164: str) -> str:
    """Index of a number already in E.164 (see normalise_phone)."""
    return crypto.blind_index(e164, purpose="phone")
