"""Parsing and validation of the NIK (Nomor Induk Kependudukan), the 16-digit Indonesian population number.

Pure Python (no Django import) so the demo generator, imports and notebooks can use it directly.

Layout of a NIK, e.g. 6371 0150 0190 0001 (digits only once normalised):

    63 71 01   500190   0001
    |  |  |    |        serial within the district and birth date: 0001-9999 (0000 is never issued)
    |  |  |    birth date DDMMYY; for women the day is increased by 40 (41-71)
    |  |  district (kecamatan) code
    |  regency/city (kabupaten/kota) code
    province code

Whether the region prefix exists is not checked here (it needs the RegionCodeHistory table, all editions); the
people services do that. What is checked here: the shape, the birth date and the serial.

The year has only two digits. `parse_nik` infers the century: the most recent year that does not put the birth
date after `today`, so "500190" is 1990 and "150325" is 2025 when parsed in 2026, and "150399" is 1999.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

NIK_LENGTH = 16
FEMALE_DAY_OFFSET = 40

SEX_FEMALE = "F"
SEX_MALE = "M"

# Characters people type between groups of digits ("6371.01-500190 0001"); anything else makes a NIK malformed.
_SEPARATORS = re.compile(r"[\s.\-/]")


class NikError(ValueError):
    """A NIK that cannot be valid. `code` is stable (use it in tests, API errors and translations)."""

    code = "nik_invalid"
    message = "The NIK is not valid."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)

    @property
    def text(self) -> str:
        return str(self)


class NikFormatError(NikError):
    code = "nik_format"
    message = "A NIK has exactly 16 digits."


class NikRegionError(NikError):
    code = "nik_region"
    message = "The first 6 digits of the NIK are not a province, regency and district code."


class NikBirthDateError(NikError):
    code = "nik_birth_date"
    message = "Digits 7 to 12 of the NIK are not a valid birth date (DDMMYY, day + 40 for women)."


class NikSerialError(NikError):
    code = "nik_serial"
    message = "The last 4 digits of the NIK (serial number) cannot be 0000."


@dataclass(frozen=True)
class ParsedNik:
    """The parts of a valid NIK."""

    nik: str
    province_digits: str
    regency_digits: str
    district_digits: str
    birth_date: date
    sex: str
    serial: int

    @property
    def region_digits(self) -> str:
        """The district code without dots, as in Region.digits ("637101")."""
        return self.district_digits

    @property
    def region_code(self) -> str:
        """The dotted district code, as in Region.code ("63.71.01")."""
        d = self.district_digits
        return f"{d[0:2]}.{d[2:4]}.{d[4:6]}"

    @property
    def region_prefixes(self) -> tuple[str, str, str]:
        """Dotted codes of the province, regency and district ("63", "63.71", "63.71.01")."""
        code = self.region_code
        return code[:2], code[:5], code


def clean_nik(raw: str) -> str:
    """The NIK without the separators people type; raises NikFormatError if anything else is left."""
    text = _SEPARATORS.sub("", raw or "")
    if len(text) != NIK_LENGTH or not text.isascii() or not text.isdigit():
        raise NikFormatError()
    return text


def _infer_year(yy: int, month: int, day: int, today: date) -> int:
    year = 2000 + yy
    # The latest century that keeps the birth date on or before today; a NIK is never issued before birth.
    try:
        if date(year, month, day) > today:
            year -= 100
    except ValueError:
        # 29 February in a year that is not leap in this century; try the previous one.
        year -= 100
    return year


def parse_nik(raw: str, *, today: date | None = None) -> ParsedNik:
    """Validates and splits a NIK. Raises a NikError subclass (stable `code`, English `message`)."""
    nik = clean_nik(raw)
    today = today or date.today()
    province, regency, district = nik[0:2], nik[2:4], nik[4:6]
    if province == "00" or regency == "00" or district == "00":
        raise NikRegionError()
    day, month, yy = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = SEX_MALE
    if day > FEMALE_DAY_OFFSET:
        sex = SEX_FEMALE
        day -= FEMALE_DAY_OFFSET
    if not (1 <= day <= 31 and 1 <= month <= 12):
        raise NikBirthDateError()
    year = _infer_year(yy, month, day, today)
    try:
        birth_date = date(year, month, day)
    except ValueError as exc:
        raise NikBirthDateError() from exc
    if birth_date > today:
        raise NikBirthDateError()
    serial = int(nik[12:16])
    if serial == 0:
        raise NikSerialError()
    return ParsedNik(
        nik=nik,
        province_digits=province,
        regency_digits=nik[0:4],
        district_digits=nik[0:6],
        birth_date=birth_date,
        sex=sex,
        serial=serial,
    )


def is_valid_nik(raw: str, *, today: date | None = None) -> bool:
    try:
        parse_nik(raw, today=today)
    except NikError:
        return False
    return True


@dataclass(frozen=True)
class NikMismatch:
    """A difference between what a NIK encodes and what was entered: a warning, not an error."""

    field: str  # "birth_date" or "sex"
    code: str  # "nik_birth_date_mismatch" or "nik_sex_mismatch"
    from_nik: object
    entered: object


def nik_mismatches(parsed: ParsedNik, *, birth_date: date | None, sex: str | None) -> list[NikMismatch]:
    """What the entered birth date and sex contradict in the NIK (an unknown value contradicts nothing).

    Only the day and month are compared with certainty when the century inference could be wrong: a NIK
    "150325" entered with 1925-03-15 is a match, because the two-digit year cannot tell 1925 from 2025.
    """
    found: list[NikMismatch] = []
    if birth_date is not None:
        same = (
            birth_date.day == parsed.birth_date.day
            and birth_date.month == parsed.birth_date.month
            and birth_date.year % 100 == parsed.birth_date.year % 100
        )
        if not same:
            found.append(NikMismatch("birth_date", "nik_birth_date_mismatch", parsed.birth_date, birth_date))
    if sex in (SEX_FEMALE, SEX_MALE) and sex != parsed.sex:
        found.append(NikMismatch("sex", "nik_sex_mismatch", parsed.sex, sex))
    return found


def nik_build(district_digits: str, birth_date: date, sex: str, serial: int) -> str:
    """The NIK for a district (6 digits, "637101"), birth date, sex ("F"/"M") and serial (1-9999).

    For generators (demo data, tests, benchmarks): `parse_nik(nik_build(...))` gives the same parts back.
    """
    district = re.sub(r"\D", "", district_digits or "")
    if len(district) != 6:
        raise ValueError("district_digits must be the 6 digits of a district code, e.g. '637101'")
    if sex not in (SEX_FEMALE, SEX_MALE):
        raise ValueError("sex must be 'F' or 'M'")
    if not 1 <= serial <= 9999:
        raise ValueError("serial must be between 1 and 9999")
    day = birth_date.day + (FEMALE_DAY_OFFSET if sex == SEX_FEMALE else 0)
    return f"{district}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def nik_mask(nik: str) -> str:
    """The NIK as shown by default: the region prefix and the serial only ("6371********0001")."""
    digits = re.sub(r"\D", "", nik or "")
    if len(digits) < 10:
        return "*" * len(digits)
    return digits[:4] + "*" * (len(digits) - 8) + digits[-4:]
