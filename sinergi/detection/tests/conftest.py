"""Fixtures of the detection app's tests."""

from __future__ import annotations

import pytest

from sinergi.agencies.choices import AgencyType, Role
from sinergi.core.testing.factories import AgencyFactory, UserFactory

RISKY = (
    "Dibutuhkan admin CS untuk perusahaan di Kamboja, gaji 15jt/bulan, tanpa pengalaman, tiket ditanggung, "
    "berangkat minggu ini pakai visa turis. Hubungi WA 0812-3456-7890"
)
SAFE = (
    "Lowongan operator produksi di Cikarang, Jawa Barat. Syarat lulusan SMA, usia 18-30 tahun, gaji sesuai "
    "UMK, kontrak kerja tertulis dan BPJS. Lamaran dikirim ke kantor HRD PT Sentosa Abadi."
)


@pytest.fixture(autouse=True)
def _no_real_retraining(monkeypatch):
    """Reviews enqueue a retraining; in tests it must never overwrite the shipped model file."""
    calls: list[list[dict]] = []

    def fake_train(*, extra_examples):
        calls.append(list(extra_examples))

    monkeypatch.setattr("sinergi.detection.tasks._train_and_save", lambda: fake_train)
    return calls


@pytest.fixture
def retrain_calls(_no_real_retraining):
    return _no_real_retraining


@pytest.fixture
def analyst(agency):
    return UserFactory(username="analyst", agency=agency, roles=[Role.ANALYST])


@pytest.fixture
def other_analyst(other_agency):
    return UserFactory(username="analyst2", agency=other_agency, roles=[Role.INVESTIGATOR])


@pytest.fixture
def read_only(agency):
    return UserFactory(username="readonly", agency=agency, roles=[Role.READ_ONLY])


@pytest.fixture
def provinces(db):
    """Just the province rows these tests need (loading the full region tables takes seconds)."""
    from sinergi.regions.models import Region

    rows = {"52": "NUSA TENGGARA BARAT", "53": "NUSA TENGGARA TIMUR", "63": "KALIMANTAN SELATAN"}
    return {
        code: Region.objects.get_or_create(
            code=code, defaults={"digits": code, "name": name, "name_search": name.lower(), "level": 1}
        )[0]
        for code, name in rows.items()
    }


@pytest.fixture
def imigrasi(provinces):
    return AgencyFactory(
        code="imigrasi-kupang",
        name="Kantor Imigrasi Kupang",
        type=AgencyType.IMIGRASI,
        jurisdiction=provinces["53"],
    )


@pytest.fixture
def officer(imigrasi):
    return UserFactory(username="officer", agency=imigrasi, roles=[Role.CASE_WORKER])
