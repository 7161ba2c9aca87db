"""The import and export endpoints for integrated systems: the scopes imports:write and exports:read, another
agency's import or export answering 404, a bad file refused in the caller's language with nothing kept, and
the page's flows (upload and preview, then commit; request, then download) through the same services."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sinergi.agencies.choices import Role, UserKind
from sinergi.core.testing.factories import UserFactory
from sinergi.exchange.imports import services as imports
from sinergi.exchange.models import ExportRun, ImportBatch, ImportedRecord
from sinergi.exchange.tests.spreadsheets import NIK_BUDI, NIK_SITI, csv_bytes
from sinergi.exchange.tests.test_credentials import token
from sinergi.exchange.tests.test_export_page import cases
from sinergi.people import identifiers
from sinergi.people.models import Person

IMPORTS = "/api/v1/exchange/imports/"
EXPORTS = "/api/v1/exchange/exports/"


def people_csv(*rows):
    return SimpleUploadedFile("pmi.csv", csv_bytes([["nama", "nik"], *rows]), content_type="text/csv")


def upload(api, file, record_type="people"):
    return api.post(IMPORTS, {"record_type": record_type, "file": file}, format="multipart")


@pytest.fixture
def other_importer(regions, other_agency):
    return UserFactory(
        username="pengimpor-lain", agency=other_agency, roles=[Role.CASE_WORKER, Role.SUPERVISOR]
    )


def test_upload_previews_then_commit_saves_and_rows_are_paged(admin, system):
    api, _t = token(admin, system, ["imports:write"])
    response = upload(api, people_csv(["Siti Rahayu", NIK_SITI], ["Budi Santoso", NIK_BUDI], ["Rina", "123"]))
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "previewed" and body["total_rows"] == 3
    assert body["counts"] == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert Person.objects.count() == 0  # the preview saves nothing

    rows = api.get(f"{IMPORTS}{body['id']}/rows/", {"page_size": 2}).json()
    assert rows["count"] == 3 and len(rows["results"]) == 2 and rows["next"]
    last = api.get(rows["next"]).json()["results"]
    assert last[0]["row_number"] == 4 and last[0]["outcome"] == "rejected" and last[0]["messages"]

    committed = api.post(f"{IMPORTS}{body['id']}/commit/")
    assert committed.status_code == 200 and committed.json()["status"] == "committed"
    assert Person.objects.filter(nik_index=identifiers.nik_index(NIK_SITI)).exists()
    assert ImportedRecord.objects.filter(batch_id=body["id"]).count() == 2
    assert api.get(f"{IMPORTS}{body['id']}/").json()["counts"]["created"] == 2
    again = api.post(f"{IMPORTS}{body['id']}/commit/")  # committed once only (its file is gone)
    assert again.status_code == 400 and Person.objects.count() == 2


def test_a_commit_needs_the_preview_first(admin, system):
    api, _t = token(admin, system, ["imports:write"])
    batch = imports.import_upload(
        actor=system,
        record_type="people",
        name="a.csv",
        data=csv_bytes([["nama", "nik"], ["Siti", NIK_SITI]]),
    )
    response = api.post(f"{IMPORTS}{batch.pk}/commit/")
    assert response.status_code == 400 and response.json()["error"]["code"] == "import_not_previewed"
    assert Person.objects.count() == 0


def test_a_large_file_runs_through_the_background_task(admin, system, monkeypatch):
    from sinergi.exchange.imports import tasks

    enqueued = []
    real = tasks.run_import

    class Spy:
        def enqueue(self, **kwargs):
            enqueued.append(kwargs)
            return real.enqueue(**kwargs)  # the test settings' immediate backend runs it now

    monkeypatch.setattr(imports, "SYNC_ROWS", 1)
    monkeypatch.setattr(tasks, "run_import", Spy())
    api, _t = token(admin, system, ["imports:write"])
    body = upload(api, people_csv(["Siti Rahayu", NIK_SITI], ["Budi Santoso", NIK_BUDI])).json()
    assert enqueued == [{"batch_id": body["id"]}] and body["status"] == "previewed"


# A report of cases with no channel column: the mapping misses a required field.
NO_CHANNEL = csv_bytes([["tanggal laporan", "negara tujuan"], ["2025-01-10", "KH"]])


@pytest.mark.parametrize(
    ("record_type", "name", "data", "code"),
    [
        ("people", "pmi.csv", b"", "validation_error"),
        ("people", "pmi.csv", csv_bytes([["nama", "nik"]]), "import_no_rows"),
        ("people", "pmi.xlsx", b"PK\x03\x04 bukan excel", None),
        ("cases", "kasus.csv", NO_CHANNEL, "import_mapping"),
    ],
)
def test_a_bad_file_is_refused_and_nothing_is_kept(admin, system, record_type, name, data, code):
    api, _t = token(admin, system, ["imports:write"])
    response = upload(api, SimpleUploadedFile(name, data), record_type)
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["message"] and (code is None or error["code"] == code)
    assert not ImportBatch.objects.exclude(status="discarded").exists() and Person.objects.count() == 0
    assert not ImportBatch.objects.exclude(upload="").exists()  # no file kept either


def test_the_refusal_is_translated(admin, system):
    api, _t = token(admin, system, ["imports:write"])
    file = SimpleUploadedFile("kasus.csv", NO_CHANNEL)
    indonesian = upload(api, file, "cases").json()["error"]
    file.seek(0)
    english = api.post(
        IMPORTS, {"record_type": "cases", "file": file}, format="multipart", HTTP_ACCEPT_LANGUAGE="en"
    ).json()["error"]
    assert english["message"] == "The column mapping is not complete."
    assert indonesian["message"] == "Pemetaan kolom belum lengkap."
    assert "Saluran" in indonesian["fields"]["non_field_errors"][0]


def test_a_missing_file_or_type_is_a_validation_error(admin, system):
    api, _t = token(admin, system, ["imports:write"])
    response = api.post(IMPORTS, {"record_type": "kapal"}, format="multipart")
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"record_type", "file"}


def test_imports_need_the_imports_write_scope_for_reads_too(admin, system):
    batch = imports.import_upload(
        actor=system,
        record_type="people",
        name="a.csv",
        data=csv_bytes([["nama", "nik"], ["Siti", NIK_SITI]]),
    )
    api, _t = token(admin, system, ["people:write", "exports:read"])
    assert upload(api, people_csv(["Budi Santoso", NIK_BUDI])).status_code == 403
    for url in (f"{IMPORTS}{batch.pk}/", f"{IMPORTS}{batch.pk}/rows/"):
        response = api.get(url)
        assert response.status_code == 403 and "imports:write" in response.json()["error"]["message"]
    assert api.post(f"{IMPORTS}{batch.pk}/commit/").status_code == 403
    assert ImportBatch.objects.count() == 1


def test_another_agencys_import_is_404(admin, system, other_importer):
    theirs = imports.import_upload(
        actor=other_importer,
        record_type="people",
        name="a.csv",
        data=csv_bytes([["nama", "nik"], ["Siti", NIK_SITI]]),
    )
    api, _t = token(admin, system, ["imports:write"])
    for response in (
        api.get(f"{IMPORTS}{theirs.pk}/"),
        api.get(f"{IMPORTS}{theirs.pk}/rows/"),
        api.post(f"{IMPORTS}{theirs.pk}/commit/"),
    ):
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"
    assert ImportBatch.objects.get(pk=theirs.pk).status == "mapping"


def test_export_requested_then_downloaded(admin, system, importer):
    cases(importer, 12)
    api, _t = token(admin, system, ["exports:read"])
    response = api.post(EXPORTS, {"kind": "cases", "k": 5}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "done" and body["k"] == 5 and body["report"]["total"] == 12
    assert api.get(f"{EXPORTS}{body['id']}/").json()["status"] == "done"
    download = api.get(f"{EXPORTS}{body['id']}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert {"datapackage.json", "cases.csv", "report.json"} <= set(archive.namelist())


def test_a_statistics_export_and_a_bad_k(admin, system, importer):
    cases(importer, 3)
    api, _t = token(admin, system, ["exports:read"])
    bad = api.post(EXPORTS, {"kind": "cases", "k": 1}, format="json")
    assert bad.status_code == 400 and "k" in bad.json()["error"]["fields"]
    assert not ExportRun.objects.exists()
    run = api.post(EXPORTS, {"kind": "statistics"}, format="json").json()
    assert run["kind"] == "statistics" and run["k"] == 11
    names = zipfile.ZipFile(
        io.BytesIO(b"".join(api.get(f"{EXPORTS}{run['id']}/download/").streaming_content))
    )
    assert "cases.csv" not in names.namelist()


def test_an_unfinished_export_is_not_downloaded(admin, system):
    api, _t = token(admin, system, ["exports:read"])
    run = ExportRun.objects.create(agency=system.agency, requested_by=system, kind="cases", k=11)
    response = api.get(f"{EXPORTS}{run.pk}/download/")
    assert response.status_code == 409 and response.json()["error"]["code"] == "export_not_ready"


def test_exports_need_the_exports_read_scope(admin, system):
    api, _t = token(admin, system, ["cases:read", "imports:write"])
    response = api.post(EXPORTS, {"kind": "cases", "k": 11}, format="json")
    assert response.status_code == 403 and "exports:read" in response.json()["error"]["message"]
    assert not ExportRun.objects.exists()


def test_another_agencys_export_is_404(admin, system, importer, other_agency):
    analyst = UserFactory(username="analis-lain", agency=other_agency, roles=[Role.ANALYST])
    theirs = ExportRun.objects.create(agency=other_agency, requested_by=analyst, kind="cases", k=11)
    api, _t = token(admin, system, ["exports:read"])
    for url in (f"{EXPORTS}{theirs.pk}/", f"{EXPORTS}{theirs.pk}/download/"):
        assert api.get(url).status_code == 404


def test_the_policy_decides_who_exports(admin, importer):
    """A system holding the scope but a role the policy gives no export (a case worker) is refused."""
    worker = UserFactory(
        username="sistem-petugas", agency=importer.agency, kind=UserKind.SYSTEM, roles=[Role.CASE_WORKER]
    )
    api, _t = token(admin, worker, ["exports:read"])
    assert api.post(EXPORTS, {"kind": "cases", "k": 11}, format="json").status_code == 403
    assert not ExportRun.objects.exists()


def test_the_schema_names_the_scopes(client):
    paths = client.get("/api/v1/schema/", {"format": "json"}).json()["paths"]
    assert paths[IMPORTS]["post"]["x-required-scope"] == "imports:write"
    assert paths[IMPORTS + "{id}/rows/"]["get"]["x-required-scope"] == "imports:write"
    assert paths[EXPORTS]["post"]["x-required-scope"] == "exports:read"
    assert paths[EXPORTS + "{id}/download/"]["get"]["x-required-scope"] == "exports:read"
