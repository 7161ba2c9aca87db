"""Screening engine for job offers and posts: pure Python, no Django import.

``screen(text)`` returns a :class:`ScreeningResult` with a risk level, a score, every indicator found with its
exact span, an explanation in Bahasa Indonesia and its legal basis, and the fields an investigator needs. The
rules live in versioned YAML/CSV files under ``knowledge/``; see docs/detection.md.
"""

from sinergi.detection.engine.knowledge_base import Knowledge, KnowledgeError, load_knowledge
from sinergi.detection.engine.screening import screen
from sinergi.detection.engine.types import Extracted, Indicator, ScreeningResult

__all__ = [
    "Extracted",
    "Indicator",
    "Knowledge",
    "KnowledgeError",
    "ScreeningResult",
    "load_knowledge",
    "screen",
]
