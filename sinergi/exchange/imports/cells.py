"""Turning one spreadsheet cell into a value, the way Indonesian agencies' spreadsheets write it. No Django.

Each parser returns the value or raises `CellError` with a stable code; the import translates the code into a
message for the row. Nothing is guessed where a guess could be wrong: a NIK that Excel turned into "3.17E+15"
or into a number that lost its last digit is refused, never rounded back.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

MONTHS = {
    # Indonesian and English month names and their usual abbreviations.
    "januari": 1, "jan": 1, "january": 1,
    "februari": 2, "feb": 2, "pebruari": 2, "peb": 2, "february": 2,
    "maret": 3, "mar": 3, "march": 3,
    "april": 4, "apr": 4,
    "mei": 5, "may": 5,
    "juni": 6, "jun": 6, "june": 6,
    "juli": 7, "jul": 7, "july": 7,
    "agustus": 8, "agu": 8, "agt": 8, "ags": 8, "aug": 8, "august": 8,
    "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "oct": 10, "october": 10,
    "november": 11, "nov": 11, "nop": 11, "nopember": 11,
    "desember": 12, "des": 12, "dec": 12, "december": 12,
}  # fmt: skip
_EXCEL_EPOCH = date(1899, 12, 30)
# Serial numbers of 1 Jan 1900 .. 31 Dec 2100: a plain number outside this is not a date.
_SERIAL_RANGE = (1, 73415)
_SCIENTIFIC = re.compile(r"^\s*\d+(?:[.,]\d+)?\s*[eE]\s*\+?\s*\d+\s*$")


class CellError(ValueError):
    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


def text(value: Any) -> str:
    """The cell as text: whole numbers without ".0", everything trimmed and single-spaced."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return re.sub(r"\s+", " ", str(value)).strip()


def parse_date(value: Any) -> date | None:
    """A date written as "7 Agustus 2025", "07/08/2025" (day first), "2025-08-07", or an Excel serial."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(float(value))
    raw = text(value)
    if not raw:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return _serial(float(raw))
    lowered = raw.lower().replace(",", " ")
    # Day names some exports put in front ("Kamis, 7 Agustus 2025").
    lowered = re.sub(r"^(senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad)\s+", "", lowered.strip())
    match = re.fullmatch(r"(\d{1,2})[\s\-.]+([a-z]+)\.?[\s\-.]+(\d{2,4})", lowered)
    if match and match.group(2) in MONTHS:
        return _make(int(match.group(3)), MONTHS[match.group(2)], int(match.group(1)))
    match = re.fullmatch(r"(\d{4})[\-/.](\d{1,2})[\-/.](\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?", lowered)
    if match:
        return _make(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = re.fullmatch(
        r"(\d{1,2})[\-/.](\d{1,2})[\-/.](\d{2,4})(?:\s+\d{1,2}[:.]\d{2}(?::\d{2})?)?", lowered
    )
    if match:
        # Indonesia writes the day first: 07/08/2025 is 7 August.
        return _make(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    raise CellError("date_format", value=raw[:40])


def _serial(number: float) -> date:
    if not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        raise CellError("date_format", value=text(number))
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _make(year: int, month: int, day: int) -> date:
    if year < 100:
        year += 2000 if year <= date.today().year % 100 else 1900
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise CellError("date_invalid", value=f"{day:02d}/{month:02d}/{year}") from exc


def parse_nik(value: Any) -> str:
    """The NIK's 16 digits as written; refuses what Excel has already damaged."""
    if value is None or value == "":
        return ""
    if isinstance(value, float | int) and not isinstance(value, bool):
        number = float(value)
        if not number.is_integer() or number >= 2**53:
            raise CellError("nik_number")
        digits = str(int(number))
        # Excel keeps 15 significant digits of a number: typed as a number, the 16th digit became 0.
        if len(digits) == 16 and digits.endswith("0"):
            raise CellError("nik_number")
        return digits
    raw = text(value).lstrip("'")
    if _SCIENTIFIC.match(raw):
        raise CellError("nik_scientific", value=raw[:20])
    digits = re.sub(r"[\s.\-/]", "", raw)
    if digits and not digits.isdigit():
        raise CellError("nik_format")
    return digits


def parse_phones(value: Any) -> list[str]:
    """The phone numbers of one cell, as written ("0812-3456-7890 / +62 811 222 333", "62812..."). A number
    stored by Excel as a number lost its leading 0 or +: it is given back ("8123456789" -> "08123456789")."""
    if value is None or value == "":
        return []
    if isinstance(value, float | int) and not isinstance(value, bool):
        digits = str(int(value))
        return ["+" + digits if digits.startswith("62") else "0" + digits]
    raw = text(value)
    if _SCIENTIFIC.match(raw):
        raise CellError("phone_scientific", value=raw[:20])
    parts = [p.strip() for p in re.split(r"[;,/|]|\s{2,}|\bdan\b|\batau\b", raw) if p.strip()]
    return [("0" + p if re.fullmatch(r"8\d{8,11}", p) else p) for p in parts]


_SEX = {
    "l": "M", "lk": "M", "laki": "M", "laki-laki": "M", "laki laki": "M", "pria": "M", "m": "M", "male": "M",
    "p": "F", "pr": "F", "perempuan": "F", "wanita": "F", "f": "F", "female": "F", "w": "F",
}  # fmt: skip


def parse_sex(value: Any) -> str:
    raw = text(value).lower().rstrip(".")
    if not raw:
        return ""
    if raw not in _SEX:
        raise CellError("sex", value=raw[:20])
    return _SEX[raw]


def parse_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        if not float(value).is_integer():
            raise CellError("number", value=text(value))
        return int(value)
    raw = text(value)
    if not raw:
        return None
    # "Rp 15.000.000", "15,000,000": thousands separators of either kind.
    digits = re.sub(r"(?i)^rp\.?\s*|[.,\s](?=\d{3}(?:\D|$))", "", raw)
    if not re.fullmatch(r"-?\d+", digits):
        raise CellError("number", value=raw[:20])
    return int(digits)


def parse_list(value: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[;,/|]", text(value)) if p.strip()]
