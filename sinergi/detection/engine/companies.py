"""Company names in a post (PT, CV, LPK, Sdn Bhd, Agency ...) and their match against the P3MI registry."""

from __future__ import annotations

import re
from typing import Any

from rapidfuzz import fuzz, process

# Indonesian legal forms written before the name; placement companies must be a PT (UU 18/2017).
_PREFIX = re.compile(
    r"(?<![\w.])(?P<form>P\.\s?T\.?|PT\.?|Pt\.?|C\.\s?V\.?|CV\.?|LPK|UD\.?|Yayasan|YAYASAN|PPTKIS|PJTKI|P3MI|BLK|BLKLN)"
    r"\s+(?P<name>[A-Z0-9][\w&'’.-]*(?:[ \t]+(?:[A-Z0-9&][\w&'’.-]*|dan|and|&)){0,5})"
)
# Foreign forms written after the name (Malaysian Sdn Bhd, Taiwanese/Hong Kong Co. Ltd, "... Agency").
_SUFFIX = re.compile(
    r"(?P<name>(?:[A-Z][\w&'’.-]*[ \t]+){1,4})"
    r"(?P<form>Sdn\.?\s?Bhd\.?|SDN\.?\s?BHD\.?|Co\.,?\s?Ltd\.?|CO\.,?\s?LTD\.?|Ltd\.?|LTD\.?|Limited|LIMITED|"
    r"Inc\.?|Corp\.?|Agency|AGENCY|Agensi|AGENSI|Recruitment|RECRUITMENT|Manpower|MANPOWER|Employment)(?![\w])"
)
_SUFFIX_HINT = re.compile(
    r"Sdn|SDN|Co\.|CO\.|Ltd|LTD|Limited|LIMITED|Inc|Corp|Agency|AGENCY|Agensi|AGENSI|Recruitment|RECRUITMENT|"
    r"Manpower|MANPOWER|Employment"
)
_FORM_KIND = {
    "pt": "pt",
    "cv": "cv",
    "ud": "ud",
    "lpk": "lpk",
    "blk": "lpk",
    "blkln": "lpk",
    "yayasan": "yayasan",
    "pptkis": "pt",
    "pjtki": "pt",
    "p3mi": "pt",
}
_LEGAL_WORDS = re.compile(
    r"\b(?:pt|p t|cv|c v|tbk|persero|ud|lpk|blk|blkln|yayasan|pptkis|pjtki|p3mi|sdn bhd|sdn|bhd|co ltd|co|ltd|"
    r"limited|inc|corp|contoh)\b"
)
_NON_WORD = re.compile(r"[^\w&]+")


def normalise_company(name: str) -> str:
    """Lower case, punctuation and legal forms removed: "PT. Maju-Jaya Tbk" -> "maju jaya".

    "contoh" is dropped too, so the SAMPLE registry's "PT Contoh Bina Karya" matches a post's "PT Bina Karya".
    """
    text = _NON_WORD.sub(" ", name.lower())
    text = _LEGAL_WORDS.sub(" ", text)
    return " ".join(text.split())


def _trim(words: list[str], stop: frozenset[str]) -> list[str]:
    """Cut a captured name at the first stop word or at the end of a sentence ("Harapan. Usia" -> "Harapan")."""
    out = []
    for word in words:
        bare = word.lower().strip(".,")
        if bare in stop or not bare:
            break
        if word.endswith((".", ",")) and len(bare) > 2:
            out.append(word.rstrip(".,"))
            break
        out.append(word)
    while out and out[-1].lower() in {"dan", "and", "&"}:
        out.pop()
    return out


def find_companies(text: str, stopwords: frozenset[str], not_names: frozenset[str]) -> list[dict[str, Any]]:
    """Company mentions: [{"name", "kind", "start", "end"}] in order of appearance, one per name."""
    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    if (
        "PT" in text
        or "Pt" in text
        or "CV" in text
        or "P." in text
        or "C." in text
        or any(k in text for k in ("LPK", "UD", "Yayasan", "YAYASAN", "PPTKIS", "PJTKI", "P3MI", "BLK"))
    ):
        for m in _PREFIX.finditer(text):
            words = _trim(m.group("name").split(), stopwords)
            if not words or words[0].lower().strip(".,") in not_names:
                continue
            form = m.group("form").replace(".", "").replace(" ", "")
            kind = _FORM_KIND.get(form.lower(), "pt")
            label = {"pt": "PT", "cv": "CV", "ud": "UD", "lpk": form.upper(), "yayasan": "Yayasan"}[kind]
            if kind == "pt" and form.upper() in {"PPTKIS", "PJTKI", "P3MI"}:
                label = form.upper()
            name = f"{label} {' '.join(words)}".rstrip(".,")
            end = m.start("name")
            for word in words:
                end = text.find(word, end) + len(word)
            key = normalise_company(name)
            if key and key not in seen:
                seen.add(key)
                found.append({"name": name, "kind": kind, "start": m.start(), "end": end})
    for m in _SUFFIX.finditer(text) if _SUFFIX_HINT.search(text) else ():
        words = m.group("name").split()
        # Keep the words after the last stop word: "Hubungi Golden Star Agency" -> "Golden Star Agency".
        while words and words[0].lower().strip(".,") in stopwords:
            words.pop(0)
        if not words:
            continue
        form = " ".join(m.group("form").split())
        name = f"{' '.join(words)} {form}"
        key = normalise_company(name) or name.lower()
        if key in seen:
            continue
        seen.add(key)
        offset = m.group("name").find(words[0])
        found.append(
            {"name": name, "kind": "foreign", "start": m.start("name") + max(offset, 0), "end": m.end()}
        )
    found.sort(key=lambda c: c["start"])
    return found


def match_registry(name: str, index: dict[str, Any], min_score: float) -> dict[str, Any]:
    """The best registry row for a company name: {name, matched, licence, status, score}."""
    key = normalise_company(name)
    result = {"name": name, "matched": None, "licence": None, "status": None, "score": 0.0}
    if not key or not index:
        return result
    row = index.get(key)
    score = 100.0
    if row is None:
        best = process.extractOne(key, index.keys(), scorer=fuzz.token_sort_ratio, score_cutoff=min_score)
        if best is None:
            return result
        row, score = index[best[0]], float(best[1])
    result.update(matched=row["name"], licence=row["licence"], status=row["status"], score=round(score, 1))
    return result
