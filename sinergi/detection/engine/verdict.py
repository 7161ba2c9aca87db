"""How the rule evidence and the learned model make one score, and what the engine answers in words.

The score. The indicators are evidence: their weights make the rule score (noisy-OR), and an awareness
dampener may lower it. The learned model then moves that score only inside a band around it: at most
``model_band_up`` up and ``model_band_down`` down, both narrowed by the model's familiarity with the text (the
share of its content words the model has seen, see familiarity_weight()), and the downward band is wider only
where the rule evidence is weak (strong_evidence()). So a model trained on the project's own corpus cannot cancel
strong, independent rule evidence on a text unlike its training data, and cannot alone turn a text with no
indicator into a warning. Every part is kept as a ``score_parts`` entry (source, code, delta) that adds up to
the score, and the model's heaviest words are listed.

The answer (``verdict``), one of VERDICTS:

* ``tinggi`` / ``sedang``: the risk levels, from the score;
* ``tidak_ditemukan``: no red flag was found. Never "aman": the engine knows only what the text says;
* ``kurang_informasi``: no red flag, but the text is about a job abroad and leaves out at least two of
  employer, recruiting channel and country, so there is too little to judge; ``questions`` says what to ask
  before going further. Questions are also given with ``sedang``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sinergi.detection.engine.types import Extracted, Indicator

VERDICTS = ("tinggi", "sedang", "tidak_ditemukan", "kurang_informasi")
VERDICT_TEXT = {
    "tinggi": "Risiko tinggi: banyak tanda bahaya TPPO",
    "sedang": "Risiko sedang: ada tanda bahaya, periksa sebelum melanjutkan",
    "tidak_ditemukan": "Tidak ditemukan tanda bahaya dalam teks ini",
    "kurang_informasi": "Informasi belum cukup untuk menilai: tanyakan hal berikut sebelum melanjutkan",
}

# A job, work or recruitment word: together with something abroad, the text is an overseas job offer.
_JOB_WORDS = re.compile(
    r"\b(?:kerja|bekerja|pekerjaan|lowongan|loker|lowker|job|jobs|kerjo|vacancy|hiring|dibutuhkan|"
    r"dicari|rekrut|direkrut|merekrut|gaji|salary|upah|ditawari|dijanjikan|berangkat|diberangkatkan)\b"
)
_EMPLOYER_WORDS = re.compile(
    r"\b(?:majikan|employer|pemberi\s+kerja|pabrik|perusahaan|company|restoran|hotel|rumah\s+sakit|"
    r"panti|kapal|ladang|kebun|farm|factory)\b"
)
_CHANNEL_WORDS = re.compile(
    r"\b(?:p3mi|sip3mi|bp2mi|bp3mi|kp2mi|disnaker|siapkerja|siap\s*kerja|ltsa|job\s*order|g\s*to\s*g|"
    r"eps|lpk|agen|agency|agensi|pt)\b"
)


def rule_parts(indicators: Sequence[Indicator], rule_score_raw: float) -> list[dict[str, Any]]:
    """Each indicator's share of the noisy-OR rule score, in proportion to -log(1 - weight)."""
    logs = [-math.log(max(1e-9, 1.0 - ind.weight)) for ind in indicators]
    total = sum(logs)
    if not total:
        return []
    return [
        {"source": "indicator", "code": ind.code, "delta": rule_score_raw * share / total}
        for ind, share in zip(indicators, logs, strict=True)
    ]


NARRATION_NOTE = (
    "Teks menceritakan tawaran yang diterima seseorang (laporan, berita atau kesaksian): dibaca seperti "
    "tawarannya sendiri, bukan sebagai peringatan."
)
# The model's familiarity with a text is the share of its content words it knows, rescaled: at or below
# FAMILIAR_FROM it has no say; from FAMILIAR_FULL on, its full band. The project's corpus sits around 0.85,
# real texts from elsewhere around 0.6.
FAMILIAR_FROM = 0.5
FAMILIAR_FULL = 0.9


def familiarity_weight(known_share: float) -> float:
    return min(max((known_share - FAMILIAR_FROM) / (FAMILIAR_FULL - FAMILIAR_FROM), 0.0), 1.0)


def strong_evidence(indicators: Sequence[Indicator]) -> bool:
    """One indicator of weight >= 0.6, or indicators of weight >= 0.25 from two different categories."""
    if any(ind.weight >= 0.6 for ind in indicators):
        return True
    return len({ind.category for ind in indicators if ind.weight >= 0.25}) >= 2


def model_delta(
    rule_score: float, proba: float, familiarity: float, band_up: float, band_down: float
) -> float:
    """How far the model moves the rule score: toward its probability, within the band, scaled by familiarity."""
    familiarity = familiarity_weight(familiarity)
    delta = (proba - rule_score) * familiarity
    return min(max(delta, -band_down * familiarity), band_up * familiarity)


def level_of(score: float, thresholds: dict[str, Any]) -> str:
    if score >= thresholds["tinggi"]:
        return "tinggi"
    if score >= thresholds["sedang"]:
        return "sedang"
    return "rendah"


def decide(
    *, level: str, low: str, abroad: bool, extracted: Extracted, dampened: bool, questions: dict[str, str]
) -> tuple[str, list[str]]:
    """(verdict, questions to ask) for a screened text; ``questions`` maps what is missing to its question."""
    missing: list[str] = []
    if not (extracted.company_names or extracted.registry_matches or _EMPLOYER_WORDS.search(low)):
        missing.append("employer")
    if not (extracted.company_names or _CHANNEL_WORDS.search(low)):
        missing.append("channel")
    if not extracted.countries_mentioned:
        missing.append("country")
    asks = [questions[key] for key in missing if key in questions]
    asks += [questions[key] for key in ("contract", "fee", "registration") if key in questions]
    if level in {"tinggi", "sedang"}:
        return level, asks if level == "sedang" else []
    overseas_job = abroad and _JOB_WORDS.search(low) is not None
    if overseas_job and not dampened and len(missing) >= 2:
        return "kurang_informasi", asks
    return "tidak_ditemukan", []
