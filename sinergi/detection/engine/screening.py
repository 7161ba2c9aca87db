"""screen(): minimal first version (pattern indicators only)."""

from __future__ import annotations

from sinergi.detection.engine.knowledge_base import load_knowledge
from sinergi.detection.engine.types import Extracted, Indicator, ScreeningResult

_DEFAULT = None


def screen(text, *, platform=None, account=None, url=None, posted_at=None, knowledge=None) -> ScreeningResult:
    global _DEFAULT
    if knowledge is None:
        if _DEFAULT is None:
            _DEFAULT = load_knowledge()
        knowledge = _DEFAULT
    text = text if isinstance(text, str) else ""
    low = text.lower()
    found = []
    for entry, rx in knowledge.indicators:
        m = rx.search(low)
        if m:
            found.append(
                Indicator(
                    code=entry["code"],
                    title=entry["title"],
                    category=entry.get("category", ""),
                    weight=float(entry["weight"]),
                    span_start=m.start(),
                    span_end=m.end(),
                    span_text=text[m.start() : m.end()],
                    explanation=entry["explanation"],
                    basis=entry["basis"],
                )
            )
    keep = 1.0
    for ind in found:
        keep *= 1.0 - ind.weight
    score = 1.0 - keep
    level = (
        "tinggi"
        if score >= knowledge.thresholds["tinggi"]
        else "sedang"
        if score >= knowledge.thresholds["sedang"]
        else "rendah"
    )
    return ScreeningResult(level, score, score, found, Extracted(), [], None, knowledge.version)
