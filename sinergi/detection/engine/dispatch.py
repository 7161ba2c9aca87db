"""Fast matching of many word-initial patterns: each pattern is tried only at the words it can start with.

Running one big alternation of ~200 patterns at every character costs close to a millisecond per post in
Python's ``re``. Nearly every rule pattern starts at a word boundary with a literal word ("tanpa", "biaya",
"visa" ...), so the dispatcher reads the first four characters each pattern can begin with (from the parsed
pattern) and, per post, tries at each word only the patterns filed under those characters of the word. Patterns
whose start cannot be indexed (they may begin with any character) are searched over the whole text as before.
Results are identical to searching each pattern on its own, except that two patterns of the same family that
match at the very same word report only the first (the family's patterns are alternatives of one regex).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# The regex parser's own modules (Python 3.11+; the old top-level sre_* names are deprecated). typeshed ships no
# stubs for these private modules, hence the two narrow ignores; what is read of them is checked by the tests.
from re import _constants as _c  # type: ignore[attr-defined]
from re import _parser as _sre_parse  # type: ignore[attr-defined]
from typing import Any

PREFIX_LEN = 4
_MAX_SET = 40
_DIGITS = "0123456789"
# Marks "the word ends here": a prefix like "di" followed by whitespace can only be the whole word "di".
_END = "\x00"
_WORD_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789'’")
_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


def _char_set(items: Iterable[tuple[Any, Any]]) -> set[str] | None:
    chars: set[str] = set()
    for op, av in items:
        if op is _c.LITERAL:
            chars.add(chr(av))
        elif op is _c.RANGE and av[1] - av[0] < _MAX_SET:
            chars.update(chr(x) for x in range(av[0], av[1] + 1))
        elif op is _c.CATEGORY and av is _c.CATEGORY_DIGIT:
            chars.update(_DIGITS)
        else:
            return None
    return chars if len(chars) <= _MAX_SET else None


def _never_word(items: Iterable[tuple[Any, Any]]) -> bool:
    """True when a character class cannot match a letter or digit (\\s, [ .-], \\W ...): the word ends there."""
    for op, av in items:
        if op is _c.CATEGORY:
            if av not in (_c.CATEGORY_SPACE, _c.CATEGORY_NOT_WORD, _c.CATEGORY_LINEBREAK):
                return False
        elif op is _c.LITERAL:
            ch = chr(av)
            if ch.isalnum() or ch in _WORD_CHARS:
                return False
        else:
            return False
    return True


def _prefixes(seq: list[Any], n: int, depth: int = 0) -> set[str]:
    """Strings of up to n characters the sequence can start with; "" means "anything" from that point on."""
    if n == 0 or not seq or depth > 40:
        return {""}
    op, av = seq[0]
    rest = seq[1:]
    if op is _c.AT:
        return _prefixes(rest, n, depth + 1)
    if op is _c.LITERAL:
        ch = chr(av)
        if not (ch.isalnum() or ch in _WORD_CHARS):
            return {_END}
        return {ch + s for s in _prefixes(rest, n - 1, depth + 1)}
    if op is _c.IN:
        if _never_word(av):
            return {_END}
        chars = _char_set(av)
        if chars is None:
            return {""}
        tails = _prefixes(rest, n - 1, depth + 1)
        return {c + s for c in chars for s in tails}
    if op is _c.BRANCH:
        out: set[str] = set()
        for branch in av[1]:
            out |= _prefixes(list(branch) + rest, n, depth + 1)
        return out
    if op is _c.SUBPATTERN:
        return _prefixes(list(av[-1]) + rest, n, depth + 1)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, hi, item = av
        more = hi is _c.MAXREPEAT or hi == _c.MAXREPEAT or hi > 1
        again = [(op, (max(lo - 1, 0), hi if hi == _c.MAXREPEAT else hi - 1, item))] if more else []
        taken = _prefixes(list(item) + again + rest, n, depth + 1)
        if lo >= 1:
            return taken
        return _prefixes(rest, n, depth + 1) | taken
    return {""}


def prefixes(pattern: str) -> set[str] | None:
    """The word prefixes (up to PREFIX_LEN chars) a pattern can start with, or None if it may start anywhere."""
    parsed = list(_sre_parse.parse(pattern))
    starts_at_word = bool(parsed) and parsed[0][0] is _c.AT and parsed[0][1] is _c.AT_BOUNDARY
    if not starts_at_word:
        return None
    found = _prefixes(parsed, PREFIX_LEN)
    if "" in found or not found or len(found) > 200:
        return None
    # A prefix ending in _END is a whole word ("ga" in "ga perlu"); others are the word's first characters.
    keys = set()
    for p in found:
        if p.startswith(_END):
            return None
        keys.add(p)
    return keys


class Dispatcher:
    """Patterns in families; ``scan(low, words, starts)`` returns {label: (start, end)} of each first match."""

    def __init__(self, entries: list[tuple[str, str, str]]):
        """``entries``: (family, label, pattern). Within a family, earlier entries win at the same word."""
        by_key: dict[str, dict[str, list[tuple[str, str]]]] = {}
        fallback: dict[str, list[tuple[str, str]]] = {}
        for family, label, pattern in entries:
            keys = prefixes(pattern)
            if keys is None:
                fallback.setdefault(family, []).append((label, pattern))
                continue
            for key in keys:
                by_key.setdefault(key, {}).setdefault(family, []).append((label, pattern))
        self.labels: dict[str, str] = {}
        self.by_key: dict[str, tuple[re.Pattern[str], ...]] = {}
        # Every key becomes exactly PREFIX_LEN characters (or a whole shorter word), so that a word needs a
        # single dictionary look-up: a shorter prefix "dp" is filed under "dp" and "dp" + each letter/digit.
        expanded: dict[str, dict[str, list[tuple[str, str]]]] = {}
        for key, families in by_key.items():
            if _END in key:
                targets = [key[: key.index(_END)]]  # exactly this word: word[:PREFIX_LEN] equals it
                grow = []
            else:
                targets = [key]
                grow = [key]
            while grow and len(grow[0]) < PREFIX_LEN:
                grow = [g + c for g in grow for c in _ALNUM]
                targets.extend(grow)
            for target in targets:
                slot = expanded.setdefault(target, {})
                for family, items in families.items():
                    slot.setdefault(family, []).extend(items)
        compiled: dict[tuple[Any, ...], re.Pattern[str]] = {}
        for key, families in expanded.items():
            regexes = []
            for family, items in families.items():
                signature = (family, tuple(items))
                if signature not in compiled:
                    compiled[signature] = self._combine(items)
                regexes.append(compiled[signature])
            self.by_key[key] = tuple(regexes)
        self.fallback = tuple(self._combine(items) for items in fallback.values())

    def _combine(self, items: list[tuple[str, str]]) -> re.Pattern[str]:
        parts = []
        for label, pattern in items:
            group = f"d{len(self.labels)}"
            self.labels[group] = label
            parts.append(f"(?P<{group}>{pattern})")
        return re.compile("|".join(parts))

    def scan(self, low: str, words: list[str], starts: list[int]) -> dict[str, tuple[int, int]]:
        found: dict[str, tuple[int, int]] = {}
        labels = self.labels
        get = self.by_key.get
        for word, start in zip(words, starts, strict=True):
            regexes = get(word[:PREFIX_LEN])
            if regexes is None:
                continue
            for rx in regexes:
                m = rx.match(low, start)
                if m is not None and m.lastgroup is not None:
                    label = labels[m.lastgroup]
                    if label not in found:
                        found[label] = m.span()
        for rx in self.fallback:
            for m in rx.finditer(low):
                if m.lastgroup is None:
                    continue
                label = labels[m.lastgroup]
                if label not in found:
                    found[label] = m.span()
        return found
