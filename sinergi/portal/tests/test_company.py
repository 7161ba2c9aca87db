"""Cek Perusahaan: misspelt names find the company; its status and countries; the registry says what it is."""

from __future__ import annotations

import pytest

from sinergi.portal import registry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "typed, name, status",
    [
        ("sejahtra abadi", "PT Contoh Sejahtera Abadi Mandiri", registry.LICENSED),
        ("PT Anugrah Timur", "PT Contoh Anugerah Timur Raya", registry.SUSPENDED),
        ("sinar harapan", "PT Contoh Sinar Harapan Jaya", registry.REVOKED),
        ("SIP3MI-CONTOH-0005", "PT Contoh Mitra Pelaut Bahari", registry.LICENSED),
    ],
)
def test_a_misspelt_name_finds_the_company(typed, name, status):
    found = registry.company_search(typed)
    assert found and found[0].name == name
    assert found[0].status == status


def test_a_licensed_company_lists_the_countries_of_its_open_job_orders():
    company = registry.company_search("Bina Karya Migran")[0]
    assert company.countries == ["TW"]
    finished = registry.company_search("Cahaya Samudra Perkasa")[0]
    assert finished.countries == []  # its only job order is finished


def test_the_page_says_unknown_and_that_the_registry_is_a_sample(client):
    html = client.get("/portal/cek-perusahaan/", {"q": "PT Maju Mundur Sentosa"}).content.decode()
    assert 'data-testid="unknown"' in html
    assert 'data-testid="sample"' in html
    assert "2026-11-28" in html


def test_an_imported_registry_is_seen_at_once_and_no_longer_called_a_sample(tmp_path, monkeypatch, client):
    from sinergi.detection.engine.knowledge_base import DEFAULT_DIR, KNOWLEDGE_DIR_ENV
    from sinergi.detection.engine.registry import import_registry

    for name in ("registry_p3mi.csv", "registry_job_orders.csv"):
        (tmp_path / name).write_bytes((DEFAULT_DIR / name).read_bytes())
    monkeypatch.setenv(KNOWLEDGE_DIR_ENV, str(tmp_path))
    source = tmp_path / "resmi.csv"
    source.write_text(
        "name,licence,status,province,valid_until,aliases\n"
        "PT Tenaga Kerja Teladan,SIP3MI-9001,aktif,Jawa Timur,2030-01-31,\n",
        encoding="utf-8",
    )
    import datetime as dt

    import_registry("p3mi", source, knowledge_dir=tmp_path, source_date=dt.date(2026, 11, 30), source="BP2MI")
    html = client.get("/portal/cek-perusahaan/", {"q": "tenaga kerja teladan"}).content.decode()
    assert "PT Tenaga Kerja Teladan" in html
    assert 'data-testid="sample"' not in html
    assert "2026-11-30" in html and "BP2MI" in html


@pytest.mark.parametrize("query", ["", "x" * 500, "' OR 1=1 --", "<script>alert(1)</script>"])
def test_junk_queries_get_a_page(client, query):
    response = client.get("/portal/cek-perusahaan/", {"q": query})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
