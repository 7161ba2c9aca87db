"""The indicators' words in the reader's language.

The knowledge base (engine/knowledge/indicators.yaml) is written in Bahasa Indonesia, and a screening result
stores the Indonesian title, explanation and basis of each indicator it found. A reader who chose English reads
them from `indicators.en.yaml` (same codes) instead: `localized(indicator)` gives the indicator with its texts
in the current language, on the staff pages and the public portal alike.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.utils.translation import get_language

ENGLISH_FILE = Path(__file__).resolve().parent / "engine" / "knowledge" / "indicators.en.yaml"
TEXT_FIELDS = ("title", "explanation", "basis")


@lru_cache(maxsize=1)
def english_texts() -> dict[str, dict[str, str]]:
    data = yaml.safe_load(ENGLISH_FILE.read_text(encoding="utf-8")) or {}
    return {
        code: {field: " ".join(str(entry.get(field, "")).split()) for field in TEXT_FIELDS}
        for code, entry in data.items()
    }


def _indonesian(code: str) -> dict[str, str] | None:
    """The knowledge base's current Indonesian words for an indicator or dampener (None for an unknown code)."""
    from sinergi.detection.engine.screening import default_knowledge

    knowledge = default_knowledge()
    entry = knowledge.rules.get(code) or knowledge.dampeners.get(code)
    if entry is None:
        return None
    return {field: str(getattr(entry, field, "") or "") for field in TEXT_FIELDS}


def localized(indicator: dict[str, Any], language: str | None = None) -> dict[str, Any]:
    """The indicator (a result's dict with `code`) with its title, explanation and basis in `language`
    (the current one by default), as the knowledge base words them now: a result stored before a wording was
    corrected reads the corrected one. The stored words when the code is no longer known."""
    language = (language or get_language() or "id")[:2]
    code = str(indicator.get("code", ""))
    texts = english_texts().get(code) if language != "id" else _indonesian(code)
    if not texts:
        return indicator
    return {**indicator, **{field: value for field, value in texts.items() if value}}
