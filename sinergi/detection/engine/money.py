"""Amounts of money in a post ("15jt", "Rp15.000.000", "RM3k", "NT$ 27.000", "1.5 jt/minggu"), in rupiah per month.

An amount is found by its digits first (one fast pass), then the currency and the period are read from the few
characters around it, and whether it is a salary or a fee from the nearest cue word before it ("gaji",
"biaya", "DP" ...). Rates are the indicative ones in knowledge/currencies.yaml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_MAGNITUDE = {
    "jt": 1_000_000,
    "juta": 1_000_000,
    "jeti": 1_000_000,
    "jutaan": 1_000_000,
    "m": 1_000_000,
    "mil": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "rb": 1_000,
    "ribu": 1_000,
    "rbu": 1_000,
    "ribuan": 1_000,
    "k": 1_000,
    "thousand": 1_000,
}
_THOUSANDS = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*")
_THOUSANDS_DEC = re.compile(r"(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*)[.,](\d{1,2})")
# Three capital letters before a number that are not a known currency: likely an unknown currency code.
# The class comes first (the lookbehind after it) so that re can skip quickly over lower-case text.
_CODE_BEFORE_NUMBER = re.compile(r"([A-Z]{3})(?<![A-Za-z][A-Z]{3})\s?(?:\d{1,3}(?:[.,]\d{3})+|\d{3,})")
_CURRENCY_MARKS = frozenset("$¥₩€£฿₺₱₫")
_NOT_CURRENCY = frozenset(
    "ABK PMI TKI TKW KTP SMP SMA SMK NIK UMR UMK HRD DLL WIB WIT WITA BLK LPK SKCK BPJS PKL TEL HP_ NPWP "
    "RT_ RW_ JLN GAJ NO_ KEL KEC KAB RUM BST ATM BRI BNI BCA BTN VIA ADA DAN YANG PIN ABC SIP OPP PAP JAM".replace(
        "_", ""
    ).split()
)
MAX_IDR = 10_000_000_000


@dataclass(slots=True)
class Amount:
    kind: str  # "salary" | "fee"
    idr: int  # rupiah (per month for salaries)
    text: str
    start: int
    end: int
    currency: str  # ISO 4217; "IDR" when none was written


def parse_number(raw: str) -> float | None:
    """'15.000.000' -> 15000000; '1,200' -> 1200; '1.5' -> 1.5; '4.990' -> 4990; '1.250.000,50' -> 1250000.5."""
    raw = raw.replace(" ", "")
    if _THOUSANDS.fullmatch(raw):
        return float(re.sub(r"[.,]", "", raw))
    m = _THOUSANDS_DEC.fullmatch(raw)
    if m:
        return float(re.sub(r"[.,]", "", m.group(1)) + "." + m.group(3))
    try:
        return float(raw.replace(",", "."))
    except ValueError:
        return None


def _magnitude(word: str | None) -> int:
    if not word:
        return 1
    word = word.split()[0] if " " in word else word
    if word == "ratus":
        return 100_000
    return _MAGNITUDE.get(word, 1)


_WORD = re.compile(r"[^\W_]+")
_AFTER_EDGE = re.compile(r"[^(\[{\"'<:=;,]*$")  # the part of a word after its last bracket, quote or colon


def _cue_positions(
    low: str, words: list[str] | None, starts: list[int] | None, cue_first: dict[str, Any]
) -> list[Any]:
    """(position, "salary" | "fee") of every cue word, from the words the screener already has."""
    if words is None or starts is None:
        words = _WORD.findall(low)
        starts = []
        cursor = 0
        for word in words:
            cursor = low.find(word, cursor)
            starts.append(cursor)
            cursor += len(word)
    found = []
    for word, start in zip(words, starts, strict=True):
        entries = cue_first.get(word)
        if entries is None:
            continue
        for phrase, kind in entries:
            end = start + len(phrase)
            if low.startswith(phrase, start) and (end >= len(low) or not low[end].isalnum()):
                found.append((start, kind))
                break
    return found


def _currency_before(
    window: str, by_symbol: dict[str, Any], by_word: dict[str, Any]
) -> tuple[str | None, int]:
    """The currency written just before an amount and where it starts in ``window`` (or None, 0)."""
    tail = window.rstrip()
    if not tail:
        return None, 0
    parts = tail.rsplit(None, 2)
    last = parts[-1]
    edge = _AFTER_EDGE.search(last)  # matches at least the empty string before the end
    last = edge.group() if edge is not None else ""
    if last:
        code = by_symbol.get(last) or by_word.get(last)
        if code:
            return code, len(tail) - len(last)
    if len(parts) >= 2:
        pair = f"{parts[-2]} {parts[-1]}"
        code = by_word.get(pair)
        if code:
            return code, tail.rfind(parts[-2])
    return None, 0


def extract_amounts(
    text: str,
    low: str,
    money: dict[str, Any],
    currencies: dict[str, Any],
    words: list[str] | None = None,
    starts: list[int] | None = None,
) -> tuple[list[Amount], list[str]]:
    """Salaries and fees in ``low`` (the lower-cased text); spans and texts refer to ``text``.

    ``words``/``starts`` are the tokens of ``low`` when the caller has them (the screener does).
    """
    amounts: list[Amount] = []
    warnings: list[str] = []
    core = money["core"]
    after_rx = money["after"]
    period_rx = money["period"]
    cue_first = money["cue_first"]
    cue_list = None
    by_symbol = money["by_symbol"]
    by_word = money["by_word"]
    factors = money["period_factor"]
    for m in core.finditer(low):
        start, end = m.span()
        raw_a = m.group("a")
        if raw_a[0] == "0" and len(raw_a) > 1 and raw_a[1].isdigit():
            continue  # "0812-...": a phone number, not an amount
        if len(raw_a) > 9 and raw_a.isdigit():
            continue  # a long bare digit run: phone or ID number
        a = parse_number(raw_a)
        if a is None:
            continue
        ma, mb = m.group("ma"), m.group("mb")
        magnitude_given = bool(ma or mb)
        if not magnitude_given and "." not in raw_a and "," not in raw_a:
            # A plain number needs a currency right next to it ("RM 3000", "1500 SAR"): check one character
            # each side before running the currency patterns.
            if start >= 2 and low[start - 1] == "-" and low[start - 2].isdigit():
                continue  # "0812-3456": the middle of a phone number
            j = start - 1
            if j >= 0 and low[j] == " ":
                j -= 1
            e = end
            if e < len(low) and low[e] == " ":
                e += 1
            before_ok = j >= 0 and (low[j].isalpha() or low[j] in _CURRENCY_MARKS)
            after_ok = e < len(low) and (low[e].isalpha() or low[e] in _CURRENCY_MARKS)
            if not (before_ok or after_ok):
                continue
        b = parse_number(m.group("b")) if m.group("b") else None
        # "15-20jt": the lower bound takes the upper bound's magnitude.
        mag_a = _magnitude(ma or mb)
        value = max(a * mag_a, (b or 0) * _magnitude(mb or ma))
        currency = None
        window = low[max(0, start - 24) : start]
        currency, offset = _currency_before(window, by_symbol, by_word)
        if currency:
            start = start - len(window) + offset
        am = after_rx.match(low, end)
        if am and currency is None:
            currency = (
                by_symbol.get(am.group("s"))
                if am.group("s")
                else by_word.get(" ".join(am.group("w").split()))
            )
            end = am.end()
        elif am and am.group("w") and by_word.get(" ".join(am.group("w").split())) == "IDR":
            end = am.end()  # "Rp 15 juta rupiah"
        factor = 1.0
        pm = period_rx.match(low, end)
        if pm:
            factor = factors.get(pm.group("p"), 1.0)
            end = pm.end()
        separated = m.group("a").count(".") + m.group("a").count(",") >= 1 and value >= 100_000
        if currency is None and not magnitude_given and not separated:
            continue  # a bare small number: an age, a count, a phone fragment
        # The nearest cue word before the amount says what it is.
        if cue_list is None:
            cue_list = _cue_positions(low, words, starts, cue_first)
        kind = None
        for position, cue_kind in reversed(cue_list):
            if position < start:
                if position >= start - 40:
                    kind = cue_kind
                break
        if kind is None:
            if currency is None and not magnitude_given:
                continue  # "500.000" with no cue: could be anything
            kind = "salary"
        rate = currencies[currency].idr if currency else 1.0
        idr = value * rate
        if kind == "salary":
            idr *= factor
        if not 1_000 <= idr <= MAX_IDR:
            continue
        if currency is None and not magnitude_given and value < 100_000:
            continue
        amounts.append(
            Amount(
                kind=kind,
                idr=round(idr),
                text=text[start:end].strip(),
                start=start,
                end=end,
                currency=currency or "IDR",
            )
        )
    for m in _CODE_BEFORE_NUMBER.finditer(text):
        code = m.group(1)
        if code in _NOT_CURRENCY or code.lower() in by_symbol or code in currencies:
            continue
        warnings.append(f"Mata uang tidak dikenal: {code} (jumlahnya tidak dinormalkan ke rupiah)")
    return amounts, warnings
