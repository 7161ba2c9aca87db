"""Letter numbers (nomor surat): an agency's pattern filled with its running number of the year.

Plain Python, no Django: `letter_number("{nomor}/{kode}/{jenis}/{bulan}/{tahun}", serial=7, ...)` gives
"007/BP3MI-KALSEL/RJK/XII/2026". The tokens are Indonesian because the people who write the patterns are.
"""

from __future__ import annotations

import re
from datetime import date

DEFAULT_PATTERN = "{nomor}/{kode}/{jenis}/{bulan}/{tahun}"
TOKENS = ("nomor", "kode", "jenis", "bulan", "tahun")
_TOKEN = re.compile(r"\{([^{}]*)\}")
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")


def pattern_problems(pattern: str) -> list[str]:
    """What is wrong with a pattern, as codes: `no_number` (no {nomor}), `unknown:<name>`, `braces`."""
    problems = []
    if "{nomor}" not in pattern:
        problems.append("no_number")
    for name in _TOKEN.findall(pattern):
        if name not in TOKENS:
            problems.append(f"unknown:{name}")
    if _TOKEN.sub("", pattern).count("{") or _TOKEN.sub("", pattern).count("}"):
        problems.append("braces")
    return problems


def letter_number(pattern: str, *, serial: int, agency_code: str, kind_code: str, issued_on: date) -> str:
    """The number of one letter; an unusable pattern falls back to the default one."""
    if pattern_problems(pattern):
        pattern = DEFAULT_PATTERN
    values = {
        "nomor": f"{serial:03d}",
        "kode": agency_code.upper(),
        "jenis": kind_code,
        "bulan": _ROMAN[issued_on.month - 1],
        "tahun": str(issued_on.year),
    }
    return _TOKEN.sub(lambda match: values[match.group(1)], pattern)
