"""Knowledge files: validation errors name the file and the entry; registry import is all-or-nothing."""

import re
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sinergi.detection.engine import KnowledgeError, load_knowledge, screen
from sinergi.detection.engine.knowledge_base import DEFAULT_DIR
from sinergi.detection.engine.registry import RegistryError, import_registry, load_registry


@pytest.fixture
def kdir(tmp_path):
    target = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_packaged_knowledge_loads_and_every_rule_has_a_basis():
    k = load_knowledge()
    assert len(k.rules) >= 25
    for rule in k.rules.values():
        assert rule.basis and rule.explanation and 0 < rule.weight < 1
    assert k.registry_is_sample  # the shipped P3MI registry is fictional and says so
    assert set(k.moratorium_countries) >= {"SA", "AE", "QA", "KW", "JO"}
    assert len(k.moratorium_countries) == 21


def test_unknown_field_is_named(kdir):
    _edit(
        kdir / "indicators.yaml", "    weight: 0.7\n    kind: computed", "    wieght: 0.7\n    kind: computed"
    )
    with pytest.raises(KnowledgeError, match=r"indicators\.yaml: indikator 'NON_PLACEMENT_COUNTRY'.*wieght"):
        load_knowledge(kdir)


def test_bad_regex_is_named(kdir):
    _edit(kdir / "indicators.yaml", r"'\bterima\s+beres\b'", r"'\bterima\s+(beres'")
    with pytest.raises(KnowledgeError, match=r"DOCUMENT_SHORTCUT.*pola tidak valid"):
        load_knowledge(kdir)


def test_missing_basis_is_refused(kdir):
    _edit(
        kdir / "indicators.yaml",
        "    basis: Laporan Polri dan BP3MI tentang modus perekrutan TPPO\n\n  - code: URGENT_DEPARTURE",
        "\n  - code: URGENT_DEPARTURE",
    )
    with pytest.raises(KnowledgeError, match=r"NO_EXPERIENCE.*'basis' wajib diisi"):
        load_knowledge(kdir)


def test_pattern_matching_empty_text_is_refused(kdir):
    _edit(kdir / "indicators.yaml", r"'\bkasbon\b'", r"'\b(?:kasbon)?'")
    with pytest.raises(KnowledgeError, match="teks kosong"):
        load_knowledge(kdir)


def test_bad_country_and_currency_entries(kdir):
    _edit(
        kdir / "countries.yaml",
        "  - code: KH\n    status: bukan_penempatan",
        "  - code: KH\n    status: terlarang",
    )
    with pytest.raises(KnowledgeError, match=r"countries\.yaml: negara 'KH'.*terlarang"):
        load_knowledge(kdir)


def test_missing_version_is_refused(kdir):
    path = kdir / "scam_hubs.yaml"
    path.write_text(re.sub(r"(?m)^version: .*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=r"scam_hubs\.yaml.*'version' wajib"):
        load_knowledge(kdir)


def test_domain_officer_adds_a_rule(kdir):
    text = (kdir / "indicators.yaml").read_text(encoding="utf-8")
    text += (
        "\n  - code: SEX_WORK_LURE\n    title: Tawaran kerja karaoke\n    category: tekanan\n    weight: 0.5\n"
        "    kind: pattern\n    scope: any\n    patterns: ['\\bpemandu\\s+lagu\\b']\n"
        "    explanation: Contoh aturan baru.\n    basis: UU 21/2007 Pasal 2\n"
    )
    (kdir / "indicators.yaml").write_text(text, encoding="utf-8")
    k = load_knowledge(kdir)
    result = screen("Dicari pemandu lagu untuk Malaysia", knowledge=k, use_learned=False)
    assert "SEX_WORK_LURE" in {i.code for i in result.indicators}


def _csv(tmp_path, body: str) -> Path:
    path = tmp_path / "upload.csv"
    path.write_text(body, encoding="utf-8")
    return path


def test_registry_import_replaces_file_and_bumps_version(kdir, tmp_path):
    before = load_registry("p3mi", kdir / "registry_p3mi.csv")
    upload = _csv(
        tmp_path,
        "name,licence,status,province\nPT Nusantara Jaya Abadi,SIP3MI/1/2025,aktif,Jawa Timur\n"
        "PT Samudra Biru,SIP3MI/2/2025,dicabut,Jawa Barat\n",
    )
    import datetime as dt

    reg = import_registry("p3mi", upload, knowledge_dir=kdir, source_date=dt.date(2026, 10, 1))
    assert reg.version == before.version + 1
    after = load_registry("p3mi", kdir / "registry_p3mi.csv")
    assert [r["name"] for r in after.rows] == ["PT Nusantara Jaya Abadi", "PT Samudra Biru"]
    assert after.meta["source_date"] == "2026-10-01" and not after.is_sample
    k = load_knowledge(kdir)
    result = screen("Kerja ke Taiwan bersama PT Samudra Biru", knowledge=k, use_learned=False)
    assert "COMPANY_LICENCE_REVOKED" in {i.code for i in result.indicators}


def test_registry_import_reports_bad_rows_by_line_and_writes_nothing(kdir, tmp_path):
    original = (kdir / "registry_p3mi.csv").read_bytes()
    upload = _csv(
        tmp_path,
        "name,licence,status\nPT Satu,L1,aktif\n,L2,aktif\nPT Tiga,L3,ditutup\nPT Empat,L1,aktif\n",
    )
    with pytest.raises(RegistryError) as err:
        import_registry("p3mi", upload, knowledge_dir=kdir)
    lines = [line for line, _ in err.value.problems]
    assert lines == [3, 4, 5]
    assert "ditutup" in str(err.value) and "sudah ada di baris 2" in str(err.value)
    assert (kdir / "registry_p3mi.csv").read_bytes() == original
    assert not list(kdir.glob(".*part"))


def test_job_orders_import_validates_country(kdir, tmp_path):
    upload = _csv(
        tmp_path,
        "job_order_no,p3mi_licence,country,position,status,quota\nJO-1,L1,Taiwan,caregiver,aktif,10\n",
    )
    with pytest.raises(RegistryError, match="baris 2: country"):
        import_registry("job_orders", upload, knowledge_dir=kdir)


def test_management_command(kdir, tmp_path, monkeypatch):
    monkeypatch.setenv("SINERGI_DETECTION_KNOWLEDGE", str(kdir))
    good = _csv(tmp_path, "name,licence,status\nPT Baru Sekali,L9,aktif\n")
    call_command("detection_import_registry", "p3mi", str(good), "--source-date", "2026-11-01")
    assert load_registry("p3mi", kdir / "registry_p3mi.csv").rows[0]["name"] == "PT Baru Sekali"

    bad = _csv(tmp_path, "name,licence,status\nPT X,L1,entah\n")
    with pytest.raises(CommandError, match="baris 2"):
        call_command("detection_import_registry", "p3mi", str(bad))
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("detection_import_registry", "p3mi", str(good), "--source-date", "1/11/2026")
