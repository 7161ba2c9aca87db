"""The analytics pages as users reach them: figures, bad filters, exports, refusals."""

from __future__ import annotations

import io
import subprocess

import pytest

from sinergi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_a(client, signed_in, rebuilt):
    return signed_in(client, rebuilt.a_worker)


def test_dashboard_shows_the_readers_figures(client_a, rebuilt):
    page = client_a.get("/analytics/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="kpi-cases">2<' in html
    assert "<svg" in html and 'role="img"' in html


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/analytics/?region=99.99", "99.99"),
        ("/analytics/?since=2026-13", "TTTT-BB"),
        ("/analytics/hotspots/?region=77", "77"),
        ("/analytics/priorities/?region=12.34.56", "12.34.56"),
    ],
)
def test_a_region_or_month_that_does_not_exist_is_refused_with_a_message(client_a, url, message):
    page = client_a.get(url)
    assert page.status_code == 400
    assert message in page.content.decode()
    assert 'role="alert"' in page.content.decode()


def test_hotspots_list_the_region_with_its_numbers(client_a):
    page = client_a.get("/analytics/hotspots/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-region="52.03"' in html
    data = client_a.get("/analytics/hotspots/data.json").json()
    assert data["regions"]["52.03"]["value"] == 2
    assert "63.71" not in data["regions"]  # agency B's case


def test_network_page_ranks_groups_and_exports_graphml(client_a, rebuilt):
    page = client_a.get("/analytics/network/")
    assert page.status_code == 200
    assert 'data-rank="1"' in page.content.decode()
    elements = client_a.get("/analytics/network/groups/1/elements.json").json()["elements"]
    ids = {e["data"]["id"] for e in elements if "source" not in e["data"]}
    assert f"case:{rebuilt.case_a1.pk}" in ids and f"case:{rebuilt.case_b1.pk}" not in ids
    labels = {e["data"]["label"] for e in elements if "source" not in e["data"]}
    assert "Bambang Calo" in labels  # the lead agency sees its recruiter's name
    assert not any("0812" in label for label in labels)  # phone numbers only masked
    export = client_a.get("/analytics/network/export.graphml")
    assert export.status_code == 200
    assert b"<graphml" in export.content and rebuilt.case_a1.reference.encode() in export.content
    assert b"POLDA-KALSEL" not in export.content
    assert AuditEntry.objects.filter(object_type="analytics.network").exists()


def test_a_path_to_an_entity_the_reader_may_not_see_answers_like_a_missing_one(client_a, rebuilt):
    hidden = client_a.get(
        "/analytics/network/",
        {"source": f"case:{rebuilt.case_a1.pk}", "target": f"case:{rebuilt.case_b1.pk}"},
    ).content.decode()
    missing = client_a.get(
        "/analytics/network/", {"source": f"case:{rebuilt.case_a1.pk}", "target": "case:999999"}
    ).content.decode()
    assert 'data-testid="path-message"' in hidden and 'data-testid="path-message"' in missing
    assert rebuilt.case_b1.reference not in hidden
    found = client_a.get(
        "/analytics/network/",
        {"source": f"case:{rebuilt.case_a1.pk}", "target": f"case:{rebuilt.case_a2.pk}"},
    ).content.decode()
    assert 'data-testid="path"' in found and "telepon …7788" in found


def test_a_node_outside_access_is_404(client_a, rebuilt, client, signed_in):
    assert client_a.get("/analytics/network/node/", {"key": f"case:{rebuilt.case_b1.pk}"}).status_code == 404
    assert client_a.get("/analytics/network/node/", {"key": "case:999999"}).status_code == 404
    page = client_a.get("/analytics/network/node/", {"key": f"case:{rebuilt.case_a1.pk}"})
    assert page.status_code == 200 and rebuilt.case_a1.reference in page.content.decode()


def test_a_user_without_an_analytics_role_is_refused(client, signed_in, agency):
    from sinergi.agencies.choices import Role
    from sinergi.core.testing.factories import UserFactory

    admin = UserFactory(username="adm", agency=agency, roles=[Role.AGENCY_ADMIN])
    signed_in(client, admin)
    for url in ("/analytics/", "/analytics/hotspots/", "/analytics/network/", "/analytics/priorities/"):
        assert client.get(url).status_code == 403


def test_monthly_report_pdf_in_indonesian_and_xlsx_with_charts(client_a, rebuilt):
    from django.utils import timezone

    month = timezone.localtime(rebuilt.case_a1.reported_at).strftime("%Y-%m")
    pdf = client_a.get("/analytics/report.pdf", {"month": month})
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout
    text = text.decode()
    assert "Laporan bulanan" in text and "Kasus per tahap" in text
    assert "Kasus dilaporkan" in text
    xlsx = client_a.get("/analytics/report.xlsx", {"month": month})
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Ringkasan", "Tahap", "Tren"]
    assert book["Ringkasan"]["A1"].value.startswith("Laporan bulanan")
    import zipfile

    # openpyxl does not read charts back: the workbook's parts show them (one per data sheet).
    parts = zipfile.ZipFile(io.BytesIO(xlsx.content)).namelist()
    assert {"xl/charts/chart1.xml", "xl/charts/chart2.xml"} <= set(parts)
    assert client_a.get("/analytics/report.pdf", {"month": "kemarin"}).status_code == 400


def test_priorities_show_the_numbers_behind_each_rank(client_a):
    page = client_a.get("/analytics/priorities/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-area="52.03.' in html and 'data-testid="score"' in html
