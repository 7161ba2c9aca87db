"""Departure screening: scores an officer's interview of a departing traveller. Pure Python, no Django.

The questions are fixed here (their keys and allowed answers); what the answers mean lives in
`departure_rules.yaml`, where each rule cites an ILO indicator of forced labour or an article of UU 18/2017,
so domain staff can review and change the weights without touching code.

    result = assess({"purpose": "work", "visa_type": "tourist", "age": 17, ...})
    result.risk_level -> "tinggi"; result.recommended_action -> "refer_police"; result.reasons -> [...]
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

RULES_FILE = Path(__file__).with_name("departure_rules.yaml")

# Allowed answers of each single-choice question (the UI labels them; see forms.py).
CHOICES: dict[str, tuple[str, ...]] = {
    "purpose": ("work", "tourism", "religious", "family_visit", "study", "other"),
    "visa_type": ("work", "tourist", "visit", "umrah", "student", "none", "unknown"),
    "registered": ("yes", "no", "unknown"),
    "recruited_via": ("p3mi", "g2g", "calo", "social_media", "family_friend", "independent", "none"),
    "costs_paid_by": ("employer", "self", "recruiter", "family", "unknown"),
    "debt": ("yes", "no"),
    "passport_holder": ("self", "companion", "recruiter_elsewhere", "no_passport"),
    "accompanied_by": ("alone", "family", "recruiter", "group_with_escort"),
    "waiting_at_destination": ("employer", "p3mi_agent", "family", "unknown_person", "nobody"),
    "job_type": (
        "none",
        "domestic_worker",
        "caregiver",
        "factory",
        "plantation",
        "fishing",
        "construction",
        "hospitality",
        "online_admin",
        "other",
    ),
    "knows_employer": ("yes", "partly", "no"),
}
# Multiple-choice questions.
MULTI_CHOICES: dict[str, tuple[str, ...]] = {
    "documents": (
        "passport",
        "work_visa",
        "placement_agreement",
        "employment_contract",
        "family_permission",
        "health_certificate",
        "competency_certificate",
        "orientation",
    ),
    "signs": ("coached", "fearful", "false_identity", "threatened"),
}
REQUIRED = ("purpose", "visa_type", "job_type", "destination_country", "age")
LEVEL_RANK = {"rendah": 1, "sedang": 2, "tinggi": 3}
ACTION_RANK = {"let_depart": 0, "verify": 1, "hold_bp3mi": 2, "refer_police": 3}


class InvalidAnswers(ValueError):
    """The answers are incomplete or hold a value outside the questionnaire; `errors` maps field -> code."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass(frozen=True)
class Reason:
    code: str
    weight: int
    reason_id: str
    reason_en: str
    basis: str
    ilo: str = ""


@dataclass(frozen=True)
class DepartureResult:
    risk_level: str
    score: int
    recommended_action: str
    reasons: list[Reason] = field(default_factory=list)
    rules_version: str = ""
    ilo_indicators: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@lru_cache(maxsize=4)
def load_rules(path: str = str(RULES_FILE)) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    for rule in data["rules"]:
        for key in ("code", "when", "weight", "basis", "reason"):
            if key not in rule:
                raise ValueError(f"departure rule {rule.get('code', '?')} lacks {key!r}")
        if rule.get("action") and rule["action"] not in ACTION_RANK:
            raise ValueError(f"departure rule {rule['code']}: unknown action {rule['action']!r}")
    return data


def clean_answers(raw: dict[str, Any]) -> dict[str, Any]:
    """Validated copy of the answers; raises InvalidAnswers naming every bad field."""
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for name, allowed in CHOICES.items():
        value = raw.get(name)
        if value in (None, ""):
            continue
        if value not in allowed:
            errors[name] = "invalid_choice"
        else:
            clean[name] = value
    for name, allowed in MULTI_CHOICES.items():
        values = raw.get(name) or []
        if isinstance(values, str):
            values = [values]
        if not isinstance(values, list | tuple) or any(v not in allowed for v in values):
            errors[name] = "invalid_choice"
        else:
            clean[name] = sorted(set(values))
    country = str(raw.get("destination_country") or "").strip().upper()
    if country:
        if len(country) != 2 or not country.isalpha():
            errors["destination_country"] = "invalid_country"
        else:
            clean["destination_country"] = country
    age = raw.get("age")
    if age not in (None, ""):
        try:
            age_int = int(age)
        except (TypeError, ValueError):
            errors["age"] = "invalid_number"
        else:
            if not 0 < age_int < 120:
                errors["age"] = "out_of_range"
            else:
                clean["age"] = age_int
    fee = raw.get("fee_paid_idr")
    if fee not in (None, ""):
        try:
            fee_int = int(fee)
        except (TypeError, ValueError):
            errors["fee_paid_idr"] = "invalid_number"
        else:
            if fee_int < 0 or fee_int > 10_000_000_000:
                errors["fee_paid_idr"] = "out_of_range"
            else:
                clean["fee_paid_idr"] = fee_int
    for name in REQUIRED:
        if name not in clean and name not in errors:
            errors[name] = "required"
    if errors:
        raise InvalidAnswers(errors)
    return clean


def _resolve(value: Any, sets: dict[str, list[Any]]) -> Any:
    if isinstance(value, str) and value.startswith("@"):
        return sets[value[1:]]
    return value


def _holds(condition: dict[str, Any], answers: dict[str, Any], sets: dict[str, list[Any]]) -> bool:
    if "all" in condition:
        return all(_holds(c, answers, sets) for c in condition["all"])
    if "any" in condition:
        return any(_holds(c, answers, sets) for c in condition["any"])
    if "not" in condition:
        return not _holds(condition["not"], answers, sets)
    value = answers.get(condition["field"])
    if "eq" in condition:
        return bool(value == condition["eq"])
    if "in" in condition:
        return value is not None and value in _resolve(condition["in"], sets)
    if "not_in" in condition:
        # An unanswered question does not satisfy "not one of": absence is not evidence.
        return value is not None and value not in _resolve(condition["not_in"], sets)
    if "lt" in condition:
        return value is not None and value < condition["lt"]
    if "gte" in condition:
        return value is not None and value >= condition["gte"]
    if "missing_any" in condition:
        return any(item not in (value or []) for item in condition["missing_any"])
    if "has_any" in condition:
        return any(item in (value or []) for item in condition["has_any"])
    raise ValueError(f"unknown condition {condition!r}")


def assess(raw_answers: dict[str, Any], *, rules: dict[str, Any] | None = None) -> DepartureResult:
    """Risk level, score, reasons and recommended action for one traveller's answers."""
    answers = clean_answers(raw_answers)
    rules = rules or load_rules()
    sets = rules.get("sets", {})
    reasons: list[Reason] = []
    level_floor = 1
    action_floor = 0
    for rule in rules["rules"]:
        if not _holds(rule["when"], answers, sets):
            continue
        reasons.append(
            Reason(
                code=rule["code"],
                weight=int(rule["weight"]),
                reason_id=rule["reason"]["id"],
                reason_en=rule["reason"]["en"],
                basis=rule["basis"],
                ilo=rule.get("ilo", ""),
            )
        )
        if rule.get("min_level"):
            level_floor = max(level_floor, LEVEL_RANK[rule["min_level"]])
        if rule.get("action"):
            action_floor = max(action_floor, ACTION_RANK[rule["action"]])
    score = sum(r.weight for r in reasons)
    thresholds = rules["levels"]
    rank = 3 if score >= thresholds["tinggi"] else 2 if score >= thresholds["sedang"] else 1
    ilo = sorted({r.ilo for r in reasons if r.ilo})
    escalation = rules.get("ilo_escalation") or {}
    if escalation and len(ilo) >= escalation["indicators"]:
        level_floor = max(level_floor, LEVEL_RANK[escalation["level"]])
        action_floor = max(action_floor, ACTION_RANK[escalation["action"]])
    rank = max(rank, level_floor)
    level = next(name for name, value in LEVEL_RANK.items() if value == rank)
    action = rules["actions_by_level"][level]
    if ACTION_RANK[action] < action_floor:
        action = next(name for name, value in ACTION_RANK.items() if value == action_floor)
    reasons.sort(key=lambda r: -r.weight)
    return DepartureResult(
        risk_level=level,
        score=score,
        recommended_action=action,
        reasons=reasons,
        rules_version=str(rules.get("version", "")),
        ilo_indicators=ilo,
    )
