"""The API shell: the OpenAPI schema, the API browser under our CSP, and one error format in two languages."""

import re

import pytest
from django.core.management import call_command

from sinergi.agencies.choices import Role
from sinergi.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_schema_generates_and_validates_without_warnings(tmp_path):
    """The same check as `manage.py spectacular --validate --fail-on-warn`: any warning fails the test."""
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    text = target.read_text()
    assert text.startswith("openapi: 3")
    assert "/api/v1/audit/" in text


def test_schema_is_served(client):
    response = client.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Sinergi API"


def test_api_docs_page_has_no_inline_script_or_style(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script\b[^>]*>", html)
    assert scripts and all(" src=" in tag for tag in scripts), scripts
    assert not re.search(r"<style\b|\sstyle=", html)
    assert 'data-schema-url="/api/v1/schema/"' in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "/static/sinergi/api-docs.js" in html


@pytest.fixture
def reader(supervisor):
    return supervisor


# (language, code) -> the message a caller reads.
MESSAGES = {
    ("en", "validation_error"): "The data sent is not valid.",
    ("id", "validation_error"): "Data yang dikirim tidak valid.",
    ("en", "not_authenticated"): (
        "Authentication required: sign in, or send the header Authorization: Bearer <your token>."
    ),
    ("id", "not_authenticated"): (
        "Perlu autentikasi: masuk terlebih dahulu, atau kirim header Authorization: Bearer <token Anda>."
    ),
    ("en", "permission_denied"): "You do not have permission for this action.",
    ("id", "permission_denied"): "Anda tidak memiliki izin untuk tindakan ini.",
    ("en", "not_found"): "Not found, or not available to you.",
    ("id", "not_found"): "Tidak ditemukan, atau tidak tersedia bagi Anda.",
    ("en", "method_not_allowed"): "The method DELETE is not allowed here.",
    ("id", "method_not_allowed"): "Metode DELETE tidak diizinkan di sini.",
}


def assert_error(response, status: int, code: str, language: str, fields: bool = False):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "fields"}
    assert body["error"]["code"] == code
    assert body["error"]["message"] == MESSAGES[(language, code)]
    assert bool(body["error"]["fields"]) is fields
    return body["error"]


@pytest.mark.parametrize("language", ["id", "en"])
def test_uniform_errors(client, signed_in, language, case_worker, supervisor):
    headers = {"Accept-Language": language}

    assert_error(client.get("/api/v1/audit/", headers=headers), 401, "not_authenticated", language)
    assert client.get("/api/v1/audit/")["WWW-Authenticate"] == "Bearer"
    bad_token = client.get("/api/v1/audit/", headers={**headers, "Authorization": "Token not-a-real-token"})
    assert bad_token.status_code == 401 and bad_token.json()["error"]["code"] == "authentication_failed"

    signed_in(client, case_worker)
    assert_error(client.get("/api/v1/audit/", headers=headers), 403, "permission_denied", language)

    signed_in(client, supervisor)
    error = assert_error(
        client.get("/api/v1/audit/", {"date_from": "31-31-2026"}, headers=headers),
        400,
        "validation_error",
        language,
        fields=True,
    )
    assert list(error["fields"]) == ["date_from"]
    assert_error(client.get("/api/v1/audit/987654/", headers=headers), 404, "not_found", language)
    assert_error(client.get("/api/v1/no-such-endpoint/", headers=headers), 404, "not_found", language)
    assert_error(client.delete("/api/v1/audit/", headers=headers), 405, "method_not_allowed", language)


def test_page_beyond_the_end_is_a_404_in_the_format(client, signed_in, supervisor):
    signed_in(client, supervisor)
    response = client.get("/api/v1/audit/", {"page": 99}, headers={"Accept-Language": "id"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_page_size_is_capped(client, signed_in, supervisor):
    from sinergi.audit.choices import AuditAction
    from sinergi.audit.services import audit_record

    for _ in range(3):
        audit_record(actor=supervisor, action=AuditAction.VIEW, obj=supervisor)
    signed_in(client, supervisor)
    body = client.get("/api/v1/audit/", {"page_size": 100000}).json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == 3


def test_html_error_pages_are_translated_and_api_crash_is_json(client, signed_in, case_worker, rf):
    from sinergi.core.views import server_error

    signed_in(client, case_worker)
    page = client.get("/no-such-page/", headers={"Accept-Language": "id"})
    assert page.status_code == 404 and "Halaman tidak ditemukan" in page.content.decode()
    api_crash = server_error(rf.get("/api/v1/people/"))
    assert api_crash.status_code == 500 and b'"code": "server_error"' in api_crash.content
    html_crash = server_error(rf.get("/people/"))
    assert html_crash.status_code == 500 and b"<html" in html_crash.content


def test_a_database_outage_answers_503_with_retry_after_not_a_crash(rf):
    from django.db import OperationalError

    from sinergi.core.views import server_error

    try:
        raise OperationalError("connection to server failed: Connection refused")
    except OperationalError:
        # Django calls the handler inside the `except` of the failed request.
        page = server_error(rf.get("/cases/", HTTP_ACCEPT_LANGUAGE="id"))
        api = server_error(rf.get("/api/v1/cases/"))
    assert page.status_code == 503 and page["Retry-After"]
    assert "tidak tersedia sebentar" in page.content.decode()
    assert api.status_code == 503 and b'"code": "service_unavailable"' in api.content
    assert server_error(rf.get("/cases/")).status_code == 500  # any other failure stays a 500


def test_stale_csrf_token_gets_a_friendly_page(case_worker):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    from sinergi.core.testing.permissions import sign_in

    sign_in(strict, case_worker)
    response = strict.post("/i18n/setlang/", {"language": "en"}, headers={"Accept-Language": "id"})
    assert response.status_code == 403
    assert "Formulir sudah kedaluwarsa" in response.content.decode()


def test_analyst_role_cannot_read_audit_api(client, signed_in, agency):
    analyst = UserFactory(agency=agency, roles=[Role.ANALYST])
    signed_in(client, analyst)
    assert client.get("/api/v1/audit/").status_code == 403
