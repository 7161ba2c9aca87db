"""Result types of the screening engine: plain dataclasses, JSON-serialisable through ``to_dict()``."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

RISK_LEVELS = ("tinggi", "sedang", "rendah")


@dataclass(slots=True)
class Indicator:
    """One red flag found in a text, with the exact span that triggered it and the rule behind it."""

    code: str
    title: str
    category: str
    weight: float
    span_start: int
    span_end: int
    span_text: str
    explanation: str
    basis: str

    def to_dict(self) -> dict[str, Any]:
        # Written out instead of dataclasses.asdict(), which deep-copies and costs more than screening itself.
        return {
            "code": self.code,
            "title": self.title,
            "category": self.category,
            "weight": self.weight,
            "span_start": self.span_start,
            "span_end": self.span_end,
            "span_text": self.span_text,
            "explanation": self.explanation,
            "basis": self.basis,
        }


@dataclass(slots=True)
class Extracted:
    """What an investigator needs from a post: destination, job, money, documents and contacts."""

    destination_country: str | None = None
    destination_city: str | None = None
    countries_mentioned: list[str] = field(default_factory=list)
    job_title: str | None = None
    salary_idr_month: int | None = None
    salary_text: str | None = None
    fees: list[dict[str, Any]] = field(default_factory=list)
    visa_type: str | None = None
    departure_urgency: str | None = None
    age_min: int | None = None
    age_max: int | None = None
    company_names: list[str] = field(default_factory=list)
    registry_matches: list[dict[str, Any]] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    wa_links: list[str] = field(default_factory=list)
    telegram_handles: list[str] = field(default_factory=list)
    other_handles: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "destination_country": self.destination_country,
            "destination_city": self.destination_city,
            "countries_mentioned": list(self.countries_mentioned),
            "job_title": self.job_title,
            "salary_idr_month": self.salary_idr_month,
            "salary_text": self.salary_text,
            "fees": [dict(f) for f in self.fees],
            "visa_type": self.visa_type,
            "departure_urgency": self.departure_urgency,
            "age_min": self.age_min,
            "age_max": self.age_max,
            "company_names": list(self.company_names),
            "registry_matches": [dict(m) for m in self.registry_matches],
            "phones": list(self.phones),
            "wa_links": list(self.wa_links),
            "telegram_handles": list(self.telegram_handles),
            "other_handles": list(self.other_handles),
            "emails": list(self.emails),
        }


@dataclass(slots=True)
class ScreeningResult:
    """The outcome of screening one text: risk level, score, indicators with spans, extracted fields.

    ``risk_level`` (tinggi / sedang / rendah) and ``score`` are kept for the callers that store them. What to
    *show* a person is ``verdict`` (see verdict.py), one of:

    * ``"tinggi"``, ``"sedang"``: the risk levels;
    * ``"tidak_ditemukan"``: no red flag found in the text ("tidak ditemukan tanda bahaya"); never say "aman";
    * ``"kurang_informasi"``: no red flag, but an overseas job offer that leaves out employer, channel or
      country: too little to judge;

    with ``verdict_text`` the honest sentence in Bahasa Indonesia and ``questions`` what to ask before going
    further (given with "kurang_informasi" and "sedang"). ``score_parts`` explains the score: one entry per
    indicator, dampener and the learned model, ``{"source", "code", "delta"}``, adding up to ``score``;
    ``model_terms`` are the words that moved the model most, as (word, log-odds share).
    """

    risk_level: str
    score: float
    rule_score: float
    indicators: list[Indicator]
    extracted: Extracted
    warnings: list[str] = field(default_factory=list)
    learned_proba: float | None = None
    knowledge_version: str = ""
    verdict: str = ""
    questions: list[str] = field(default_factory=list)
    score_parts: list[dict[str, Any]] = field(default_factory=list)
    model_terms: list[tuple[str, float]] = field(default_factory=list)

    @property
    def verdict_text(self) -> str:
        from sinergi.detection.engine.verdict import VERDICT_TEXT

        return VERDICT_TEXT.get(self.verdict, "")

    @property
    def indicator_codes(self) -> list[str]:
        return [i.code for i in self.indicators]

    def to_dict(self) -> dict[str, Any]:
        """The JSON-ready form written to results.jsonl (the caller adds the input ``id``)."""
        out = {
            "risk_level": self.risk_level,
            "score": round(self.score, 4),
            "rule_score": round(self.rule_score, 4),
            "learned_proba": None if self.learned_proba is None else round(self.learned_proba, 4),
            "indicators": [i.to_dict() for i in self.indicators],
            "warnings": list(self.warnings),
            "knowledge_version": self.knowledge_version,
            "verdict": self.verdict,
            "verdict_text": self.verdict_text,
            "questions": list(self.questions),
            "score_parts": [
                {"source": p["source"], "code": p["code"], "delta": round(p["delta"], 4)}
                for p in self.score_parts
            ],
            "model_terms": [[term, weight] for term, weight in self.model_terms],
        }
        out.update(self.extracted.to_dict())
        return out
