"""Indonesian-aware name keys for record linkage (pure Python, no Django import).

`sinergi.people.names.normalise_name` already drops titles, honorifics and degrees ("Hj.", "H.", "Dr.",
"S.Pd.") and diacritics. On top of it, linkage needs one key per person that survives the ways the same name
is written across agencies:

- Old and new spelling (Ejaan Van Ophuijsen / Soewandi before EYD 1972): oe -> u, dj -> j, tj -> c, sj -> sy,
  nj -> ny, and j -> y in a word that shows the old spelling ("Tjahjono" = "Cahyono"); ch -> kh; and the transliteration variants kh/h, dh/d, ph/f, th/t, q/k, v/f, final y/i, final
  -ah/-a, doubled letters ("Soedjatmiko" = "Sujatmiko", "Fatimah" = "Fatima", "Annisa" = "Anisa").
- Muhammad in all its forms (Muhamad, Mohammad, Moch., Moh., Muh., Mhd., M.) is one token, and it is
  dropped from the key when two other names remain: agencies write it, abbreviate it or leave it out.
- Achmad / Akhmad / Ahmad, Abdul / Abd. / Abdoel: one canonical token each.
- "bin" / "binti" (and bt., bte.): what follows is the father's name; one record may carry it, another not,
  so it is kept apart (`father`) and not part of the key.
- Single names (mononyms, common in Java) give a one-token key; comparisons treat "one name's tokens are all
  in the other's" as a level of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from sinergi.people.names import normalise_name

MUHAMMAD = "muhammad"
_MUHAMMAD_FORMS = frozenset(
    {
        "muhammad", "muhamad", "muhammed", "muhamed", "mohammad", "mohamad", "mohammed", "mohamed",
        "mochammad", "mochamad", "mokhammad", "mukhammad", "muchammad", "muchamad", "mohamat", "muhamat",
        "moh", "moch", "mohd", "muh", "much", "mhd", "mhmd", "md", "mu", "muhd",
    }
)  # fmt: skip
_CANONICAL = {
    **dict.fromkeys(("achmad", "akhmad", "ahmad", "achmat", "ahmat", "akhmat", "ahmed", "achmed"), "ahmad"),
    **dict.fromkeys(("abdul", "abd", "abdoel", "abdel", "abdu"), "abdul"),
    **dict.fromkeys(("nur", "noor", "nuur", "nurul"), "nur"),
}
_FATHER_MARKERS = frozenset({"bin", "binti", "bt", "bte", "binte", "bint"})
# Order matters: the digraphs of the old spelling first, then the transliteration variants.
_OLD_MARKERS = ("oe", "dj", "tj", "sj", "nj")
_OLD_DIGRAPHS = (("dj", "\x01"), ("tj", "\x02"), ("sj", "\x03"), ("nj", "\x04"))
_OLD_RESTORE = (("\x01", "j"), ("\x02", "c"), ("\x03", "sy"), ("\x04", "ny"), ("oe", "u"))
_SPELLING = (
    ("ch", "kh"),
    ("kh", "h"),
    ("dh", "d"),
    ("ph", "f"),
    ("th", "t"),
    ("q", "k"),
    ("v", "f"),
)
_DOUBLE = re.compile(r"([a-z])\1+")


@dataclass(frozen=True)
class NameKey:
    """The comparable parts of a name: `tokens` (folded, without Muhammad when other names remain)."""

    tokens: tuple[str, ...]
    father: tuple[str, ...]
    has_muhammad: bool

    @property
    def key(self) -> str:
        return " ".join(self.tokens)

    @property
    def sorted_key(self) -> str:
        return " ".join(sorted(self.tokens))

    @property
    def first(self) -> str:
        """The first name after Muhammad, which many write, abbreviate or leave out: "Muhammad Yusuf" and
        "Yusuf" have the same first name (Muhammad itself when it is the only name)."""
        return next((t for t in self.tokens if t != MUHAMMAD), self.tokens[0] if self.tokens else "")

    @property
    def last(self) -> str:
        return self.tokens[-1] if self.tokens else ""


def fold_token(token: str) -> str:
    """One word in its spelling-independent form ("soedjatmiko" -> "sujatmiko", "fatimah" -> "fatima")."""
    if token in _MUHAMMAD_FORMS:
        return MUHAMMAD
    if token in _CANONICAL:
        return _CANONICAL[token]
    value = token
    if any(marker in value for marker in _OLD_MARKERS):
        # A word in the old spelling writes y as j too ("Tjahjono" = "Cahyono", "Soejono" = "Suyono").
        for old, new in _OLD_DIGRAPHS:
            value = value.replace(old, new)
        value = value.replace("j", "y")
        for old, new in _OLD_RESTORE:
            value = value.replace(old, new)
    for old, new in _SPELLING:
        value = value.replace(old, new)
    value = _DOUBLE.sub(r"\1", value)
    if len(value) > 3 and value.endswith("y"):
        value = value[:-1] + "i"
    if len(value) > 3 and value.endswith("ah"):
        value = value[:-1]
    return _CANONICAL.get(value, value)


@lru_cache(maxsize=200_000)
def name_key(text: str | None) -> NameKey:
    """The linkage key of a name as written ("Hj. Siti Nur'aini binti Achmad" -> tokens ("siti", "nuraini"))."""
    words = normalise_name(text).split()
    given: list[str] = []
    father: list[str] = []
    target = given
    for index, word in enumerate(words):
        # "bin" as the first word is a name of its own (rare), never a marker.
        if word in _FATHER_MARKERS and index > 0 and target is given:
            target = father
            continue
        if word == "m" and index == 0 and len(words) > 1:
            target.append(MUHAMMAD)  # "M. Yusuf": a leading lone M stands for Muhammad
            continue
        target.append(fold_token(word))
    has_muhammad = MUHAMMAD in given
    # Dropped only when two names remain: "Muhammad Danuja" must not become the bare family name "danuja".
    others = [t for t in given if t != MUHAMMAD]
    tokens = others if len(others) >= 2 else given
    return NameKey(tokens=tuple(tokens), father=tuple(father), has_muhammad=has_muhammad)
