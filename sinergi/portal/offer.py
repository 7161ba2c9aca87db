"""Cek Lowongan: one pasted or forwarded offer in, what the public is told out. Nothing is stored here."""

from __future__ import annotations

import re

from django.utils.translation import get_language

from sinergi.detection.engine import screen
from sinergi.detection.texts import localized
from sinergi.portal import guidance
from sinergi.portal.guidance import OfferCheck, Sign

MAX_OFFER_CHARS = 10_000
_WORD = re.compile(r"\w+")

# The engine's verdict (detection issue 10) in whatever spelling it settles on -> the portal's verdicts.
_ENGINE_VERDICTS = (
    ("tinggi", guidance.HIGH),
    ("high", guidance.HIGH),
    ("sedang", guidance.MEDIUM),
    ("medium", guidance.MEDIUM),
    ("kurang", guidance.TOO_LITTLE),
    ("too_little", guidance.TOO_LITTLE),
    ("insufficient", guidance.TOO_LITTLE),
    ("unclear", guidance.TOO_LITTLE),
    ("tidak", guidance.NO_RED_FLAGS),
    ("no_red", guidance.NO_RED_FLAGS),
    ("none", guidance.NO_RED_FLAGS),
)


def offer_check(text: str) -> OfferCheck:
    """Screens `text` and words the result for the public (see guidance for what may and may not be said)."""
    data = screen((text or "")[:MAX_OFFER_CHARS]).to_dict()
    signs: dict[str, Sign] = {}
    for indicator in map(localized, data["indicators"]):
        sign = signs.setdefault(
            indicator["code"], Sign(indicator["title"], indicator["explanation"], indicator["basis"])
        )
        word = " ".join(indicator["span_text"].split())
        if word and word not in sign.words:
            sign.words.append(word)
    verdict, questions = _verdict(data, text or "", bool(signs))
    if verdict in (guidance.HIGH, guidance.MEDIUM) and not signs:
        # Only the learned model found the text risky: say so, rather than a level with nothing to show.
        signs["MODEL"] = Sign(str(guidance.MODEL_SIGN_TITLE), str(guidance.MODEL_SIGN_EXPLANATION), "")
        questions = questions or list(guidance.QUESTIONS)
    return OfferCheck(
        verdict=verdict,
        signs=list(signs.values()),
        questions=questions,
        warnings=[w for w in data.get("warnings", []) if "Model statistik" not in w],
        companies=[m for m in data.get("registry_matches", []) if m.get("name")],
    )


def _verdict(data: dict, text: str, has_signs: bool) -> tuple[str, list]:
    engine = _engine_verdict(data.get("verdict"))
    if engine is not None:
        verdict, questions = engine
        # The engine's questions are written in Bahasa Indonesia; other languages get the portal's own.
        if not questions and get_language() == "id":
            questions = [str(q) for q in data.get("questions") or [] if q]
        if verdict == guidance.NO_RED_FLAGS and has_signs:
            verdict = guidance.SIGNS
        if verdict == guidance.TOO_LITTLE:
            return verdict, questions or list(guidance.QUESTIONS)
        return verdict, questions
    level = data.get("risk_level")
    named = data.get("company_names") or data.get("destination_country") or data.get("job_title")
    thin = len(_WORD.findall(text)) < 8 or not named
    if has_signs or not thin:
        if level == "tinggi":
            return guidance.HIGH, []
        if level == "sedang":
            return guidance.MEDIUM, []
    if has_signs:
        return guidance.SIGNS, []
    if thin:
        return guidance.TOO_LITTLE, list(guidance.QUESTIONS)
    return guidance.NO_RED_FLAGS, []


def _engine_verdict(value) -> tuple[str, list] | None:
    """The engine's own verdict when it gives one: a code, or a mapping with a code and questions to ask."""
    if not value:
        return None
    questions: list = []
    if isinstance(value, dict):
        raw = value.get("code") or value.get("verdict") or value.get("level") or ""
        questions = [str(q) for q in (value.get("questions") or value.get("ask") or []) if q]
    else:
        raw = value
        if hasattr(value, "code"):
            raw = value.code
            questions = [str(q) for q in (getattr(value, "questions", None) or [])]
    raw = str(raw).lower()
    for key, verdict in _ENGINE_VERDICTS:
        if key in raw:
            return verdict, questions
    return None
