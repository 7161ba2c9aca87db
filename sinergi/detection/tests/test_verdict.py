"""The engine's answer in words, its questions, and the score explained part by part (engine/verdict.py)."""

import pytest

from sinergi.detection.engine import screen
from sinergi.detection.engine.verdict import VERDICTS, model_delta, strong_evidence


def test_a_plain_domestic_vacancy_says_no_red_flag_never_safe():
    result = screen("Dicari kasir toko roti di Bandung, shift pagi, kirim CV ke email toko.")
    assert result.verdict == "tidak_ditemukan"
    assert "tidak ditemukan tanda bahaya" in result.verdict_text.lower()
    assert "aman" not in result.verdict_text.lower()
    assert result.questions == []


def test_an_overseas_offer_with_too_little_to_judge_asks_before_going_further():
    result = screen("Ada lowongan kerja di luar negeri, gajinya lumayan. Berminat?")
    assert result.risk_level == "rendah"
    assert result.verdict == "kurang_informasi"
    asked = " ".join(result.questions)
    assert "pemberi kerja" in asked and "SIP3MI" in asked and "visa" in asked


def test_an_overseas_offer_naming_employer_channel_and_country_is_not_asked_about():
    result = screen(
        "PT Contoh Bina Karya membuka pendaftaran perawat lansia ke Jepang lewat Disnaker, majikan panti "
        "wreda di Osaka, kontrak tertulis sebelum berangkat."
    )
    assert result.verdict in {"tidak_ditemukan", "sedang", "tinggi"}
    assert result.verdict != "kurang_informasi"


def test_an_awareness_post_is_not_asked_about():
    text = (
        "Waspada modus lowongan kerja ke luar negeri! Jangan mudah percaya tawaran lewat media sosial, "
        "laporkan ke BP3MI bila ada calo."
    )
    assert screen(text).verdict == "tidak_ditemukan"


def test_a_risky_offer_says_which_parts_made_the_score():
    result = screen("Admin game online ke Kamboja, gaji 15jt, tiket ditanggung, hubungi WA 081234567890")
    assert result.verdict in {"tinggi", "sedang"}
    assert result.verdict == result.risk_level
    indicator_parts = [p for p in result.score_parts if p["source"] == "indicator"]
    assert {p["code"] for p in indicator_parts} == set(result.indicator_codes)
    assert sum(p["delta"] for p in result.score_parts) == pytest.approx(result.score, abs=1e-6)
    data = result.to_dict()
    assert data["verdict"] in VERDICTS and data["verdict_text"]
    assert all(set(p) == {"source", "code", "delta"} for p in data["score_parts"])


def test_the_model_cannot_cancel_strong_rule_evidence():
    # A model that is sure the text is harmless moves a strong rule score down by the band at most ...
    assert model_delta(0.6, 0.0, 1.0, 0.2, 0.15) == pytest.approx(-0.15)
    # ... less on a text it knows only half of the way (familiarity 0.7 of 0.5..0.9) ...
    assert model_delta(0.6, 0.0, 0.7, 0.2, 0.15) == pytest.approx(-0.075)
    # ... and not at all on a text unlike its training data.
    assert model_delta(0.6, 0.0, 0.45, 0.2, 0.15) == 0.0
    # Nor can it alone turn a text with no indicator into a warning.
    assert model_delta(0.0, 1.0, 1.0, 0.2, 0.15) == pytest.approx(0.2)
    assert 0.0 + model_delta(0.0, 1.0, 1.0, 0.2, 0.15) < 0.35


def test_strong_evidence_is_one_heavy_or_two_independent_indicators():
    heavy = [screen("Admin game online ke Kamboja, hubungi WA", use_learned=False).indicators]
    assert strong_evidence(heavy[0])
    weak = screen("Kerja di luar negeri tanpa pengalaman, hubungi kami", use_learned=False).indicators
    assert not strong_evidence(weak)


def test_empty_text_says_nothing_was_found():
    assert screen("").verdict == "tidak_ditemukan"
