"""Normalisation of personal names for search and matching (pure Python, no Django import).

`normalise_name` gives the form stored in Person.name_normalised and applied to every search query, so that
"Hj. Siti Nur'aini, S.Pd." and "siti nuraini" find each other. Rules, in order:

1. Unicode NFKD, diacritics dropped ("Dédé" -> "dede"), lower case.
2. Academic titles and degrees written with dots or commas ("S.Pd.", "S.H.", "M.Kes", "Dr.", "Ir.", "A.Md.")
   are dropped wherever they appear, together with the comma that introduces trailing degrees.
3. Apostrophes and backticks join letters ("Nur'aini" -> "nuraini"); every other punctuation mark becomes
   a space ("Siti-Aminah" -> "siti aminah").
4. Honorifics and religious/nobility titles at the start of the name are dropped ("Hj.", "H.", "Ibu", "Bpk",
   "Raden", "Tuan"), repeatedly, but never the last remaining word: "Haji" alone stays a name.
5. Spaces collapsed.

It never raises; an empty or title-only input gives "".

`name_variants` gives the spellings of the same given name that Indonesian records mix (Muhammad, Muhamad,
Mohammad, Moh., M.; Achmad, Ahmad...): a search for one finds the others (see people.selectors).
"""

from __future__ import annotations

import re
import unicodedata

# Honorifics only dropped at the start of the name (they are also ordinary given names elsewhere: "Ayu").
LEADING_HONORIFICS = frozenset(
    {
        # Religious titles
        "h",
        "hj",
        "haji",
        "hajjah",
        "hajah",
        "kh",
        "ust",
        "ustad",
        "ustadz",
        "ustadzah",
        "ustazah",
        "habib",
        "syekh",
        "pdt",
        "romo",
        # Forms of address
        "bpk",
        "bp",
        "bapak",
        "pak",
        "ibu",
        "bu",
        "sdr",
        "sdri",
        "saudara",
        "saudari",
        "tn",
        "tuan",
        "ny",
        "nyonya",
        "nn",
        "nona",
        "mr",
        "mrs",
        "ms",
        "miss",
        # Academic / professional titles before the name
        "dr",
        "drs",
        "dra",
        "ir",
        "prof",
        "drg",
        # Nobility
        "raden",
        "rd",
        "r",
        "rr",
        "ra",
        "tengku",
        "tgk",
        "teuku",
        "cut",
        "andi",
        "gusti",
        "datu",
    }
)

# Nobility titles that are also very common given names: dropped only when written as an abbreviation with a dot.
_ONLY_WITH_DOT = frozenset({"r", "ra", "rr", "h", "andi", "cut", "gusti", "datu", "tengku"})

# Degrees written after the name. A dotted abbreviation ("s.pd.", "m.kes", "a.md.kep.", "ph.d") is a degree at
# the end of a name or after a comma; the undotted forms ("spd", "sh") only after a comma, because "Sip" or
# "Se" can be names. Single dotted letters ("Budi S. Hartono") are initials, never degrees.
_DOTTED_DEGREE = re.compile(r"^[a-z]{1,3}\.[a-z]{1,4}(?:\.[a-z]{1,4})*\.?$")
_PLAIN_DEGREES = frozenset(
    {
        "ak", "amd", "ba", "bsc", "cpa", "dipl", "ma", "mba", "mh", "mkes", "mkom", "mm", "mpd", "msc", "msi",
        "mt", "ners", "phd", "sag", "se", "sh", "sip", "sked", "skep", "skom", "spd", "spdi", "ssi", "ssos",
        "st", "stp", "amkeb", "amk", "llm",
    }
)  # fmt: skip
_APOSTROPHES = re.compile(r"['`\u2018\u2019\u02bc\u02bb]")


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _is_degree(token: str, *, after_comma: bool) -> bool:
    if _DOTTED_DEGREE.match(token):
        return True
    return after_comma and token.strip(".") in _PLAIN_DEGREES


def _drop_degrees(text: str) -> str:
    head, comma, tail = text.partition(",")
    words = head.split()
    while len(words) > 1 and _is_degree(words[-1], after_comma=False):
        words.pop()
    if comma:
        # In Indonesian usage everything after the first comma is degrees ("Budi Santoso, S.H., M.H.");
        # anything else there (rare: "Santoso, Budi") stays part of the name.
        words += [w for w in re.split(r"[\s,]+", tail) if w and not _is_degree(w, after_comma=True)]
    return " ".join(words)


def normalise_name(text: str | None) -> str:
    """The searchable form of a name: "Hj. Siti Nur'aini, S.Pd." -> "siti nuraini"."""
    if not text:
        return ""
    value = strip_diacritics(str(text)).lower()
    value = _drop_degrees(value)
    value = _APOSTROPHES.sub("", value)
    # Split keeping the information whether a word was written with a dot ("r." vs "r").
    raw_words = re.findall(r"[a-z0-9]+\.?", value)
    words: list[str] = []
    leading = True
    for index, raw in enumerate(raw_words):
        word = raw.rstrip(".")
        dotted = raw.endswith(".")
        remaining = len(raw_words) - index - 1
        honorific = word in LEADING_HONORIFICS and (dotted or word not in _ONLY_WITH_DOT)
        if leading and remaining > 0 and honorific:
            continue
        leading = False
        words.append(word)
    return " ".join(words)


def name_words(text: str | None) -> list[str]:
    """The words of a normalised name, in order ("Siti Nur'aini" -> ["siti", "nuraini"])."""
    return normalise_name(text).split()


# Spellings of one given name that records and reports mix freely. A search for any of them finds them all, as
# whole words: "m" and "moh" are abbreviations of Muhammad only where the record wrote them so.
_VARIANT_GROUPS: tuple[frozenset[str], ...] = (
    frozenset(
        {
            "muhammad", "muhamad", "muhammed", "muhamed", "mohammad", "mohamad", "mohammed", "mohamed",
            "mochammad", "mochamad", "mokhamad", "muhamat", "moh", "moch", "mhd", "muh", "m",
        }
    ),
    frozenset({"ahmad", "achmad", "akhmad", "ahmat", "achmat", "ahmed"}),
    frozenset({"abdul", "abd", "abdoel"}),
    frozenset({"nur", "noor", "nuur"}),
    frozenset({"yusuf", "yusup", "yoesoef", "jusuf"}),
    frozenset({"siti", "sitti"}),
)  # fmt: skip
_VARIANTS: dict[str, frozenset[str]] = {word: group for group in _VARIANT_GROUPS for word in group}


def name_variants(word: str) -> tuple[str, ...]:
    """The other spellings of a normalised name word, sorted ("ahmad" -> ("achmad", "achmat", ...)); () when
    the word has none. Single letters are variants only of what they abbreviate, never searched alone."""
    group = _VARIANTS.get(word)
    if group is None:
        return ()
    return tuple(sorted(group - {word}))
