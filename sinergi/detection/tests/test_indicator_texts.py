"""The indicators speak the reader's language: every indicator and dampener of the knowledge base has its
English title, explanation and basis, and an English reader of the portal or the staff pages reads them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.utils import translation

from sinergi.detection.texts import TEXT_FIELDS, english_texts, localized
from sinergi.portal.offer import offer_check
from sinergi.portal.tests.conftest import RISKY_OFFER

KNOWLEDGE = Path(__file__).resolve().parents[1] / "engine" / "knowledge" / "indicators.yaml"
INDONESIAN_WORDS = {"yang", "dan", "tidak", "dengan", "untuk", "atau", "pekerja", "negara", "tawaran"}


def _codes() -> set[str]:
    data = yaml.safe_load(KNOWLEDGE.read_text(encoding="utf-8"))
    return {entry["code"] for key in ("indicators", "dampeners") for entry in data[key]}


def test_every_indicator_has_its_english_texts():
    english = english_texts()
    missing = sorted(code for code in _codes() if not all(english.get(code, {}).get(f) for f in TEXT_FIELDS))
    assert missing == []
    assert set(english) <= _codes(), "an English text names a code the knowledge base does not have"
    for code, texts in english.items():
        words = {word.lower().strip(".,;()") for word in " ".join(texts.values()).split()}
        assert not words & INDONESIAN_WORDS, f"{code}: {sorted(words & INDONESIAN_WORDS)}"


def test_localized_reads_the_current_words_in_the_readers_language():
    stored = {"code": "SCAM_HUB", "title": "Lokasi pusat penipuan daring yang dikenal", "weight": 0.8}
    assert localized(stored, "id")["title"] == stored["title"]
    # A result stored before a wording was corrected reads the corrected one (no file name for the reader).
    old = {"code": "LARGE_FEE", "explanation": "Jumlah biaya besar (di atas ambang di extraction.yaml)."}
    assert "extraction.yaml" not in localized(old, "id")["explanation"]
    english = localized(stored, "en")
    assert english["title"] == "A known location of online-scam compounds" and english["weight"] == 0.8
    assert localized({"code": "NO_SUCH_CODE", "title": "x"}, "en")["title"] == "x"


@pytest.mark.django_db
def test_the_portal_in_english_shows_no_indonesian_indicator_text(client):
    with translation.override("id"):
        indonesian = offer_check(RISKY_OFFER)
    html = client.post(
        "/portal/cek-lowongan/", {"text": RISKY_OFFER}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert indonesian.signs
    for sign in indonesian.signs:
        assert sign.title not in html and sign.explanation not in html
    assert "The destination is not a placement country for Indonesian migrant workers" in html
