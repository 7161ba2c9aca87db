"""The details the engine extracts are shown in words: a visa, how urgent the departure is, what the registry
says of a company, a sum of rupiah grouped as the reader's locale groups it."""

from __future__ import annotations

from django.utils import translation

from sinergi.detection.views import _extracted_facts

EXTRACTED = {
    "visa_type": "turis",
    "departure_urgency": "sangat_mendesak",
    "salary_idr_month": 15000000,
    "registry_matches": [
        {
            "name": "PT Maju",
            "matched": "PT Maju Jaya Abadi",
            "licence": "SIP3MI-123",
            "status": "dicabut",
            "score": 100.0,
        },
        {"name": "PT Entah", "matched": None, "licence": None, "status": None, "score": 0.0},
    ],
}


def test_extracted_details_in_indonesian():
    with translation.override("id"):
        facts = dict(_extracted_facts(EXTRACTED))
    assert facts["Visa"] == "visa turis"
    assert facts["Keberangkatan"].startswith("sangat mendesak")
    assert facts["Gaji dalam rupiah per bulan"] == "Rp 15.000.000"
    registry = facts["Daftar perusahaan penempatan"]
    assert "PT Maju: tercatat di daftar sebagai PT Maju Jaya Abadi, izin dicabut" in registry
    assert (
        "kemiripan nama 100%" in registry and "PT Entah: tidak ada di daftar perusahaan berizin" in registry
    )
    assert "matched" not in registry and "score" not in registry and "_" not in " ".join(facts.values())


def test_extracted_details_in_english():
    with translation.override("en"):
        facts = dict(_extracted_facts(EXTRACTED))
    assert facts["Visa"] == "tourist visa"
    assert facts["Departure"].startswith("very urgent")
    assert facts["Salary in rupiah per month"] == "Rp 15,000,000"
    assert "licence revoked" in facts["Placement company registry"]
