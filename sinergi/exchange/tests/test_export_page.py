"""The exports page: who may export (the policy: supervisors and analysts, of their agency's cases), k chosen
and checked, the report, the download, the background worker for a large agency."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import pytest

from sinergi.agencies.choices import Role
from sinergi.core.testing.factories import UserFactory
from sinergi.exchange.models import ExportRun
from sinergi.people.services import PersonData


@pytest.fixture
def analyst(importer):
    return UserFactory(username="analis-saja", agency=importer.agency, roles=[Role.ANALYST])


def cases(worker, n, country="KH"):
    from sinergi.cases.services import case_intake

    for i in range(n):
        case_intake(
            actor=worker, intake_channel="HOTLINE", destination_country=country,
            parties=[{"new_person": PersonData(full_name=f"Korban {i}", sex="F"), "role": "VICTIM"}],
        )  # fmt: skip


def test_an_analyst_exports_with_k_and_downloads_the_package(client, signed_in, importer, analyst):
    cases(importer, 12)
    signed_in(client, analyst)
    assert client.get("/exchange/exports/").status_code == 200
    response = client.post("/exchange/exports/", {"kind": "cases", "k": "5"})
    run = ExportRun.objects.get()
    assert response.status_code == 302 and run.status == "done" and run.k == 5
    assert run.report["total"] == 12 and run.report["kept"] + run.report["suppressed"] == 12
    page = client.get(f"/exchange/exports/{run.pk}/").content.decode()
    assert "Unduh paket data" in page
    download = client.get(f"/exchange/exports/{run.pk}/download/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert {"datapackage.json", "cases.csv", "statistics.xlsx", "report.json"} <= set(archive.namelist())


def test_statistics_only(client, signed_in, importer, analyst):
    cases(importer, 3)
    signed_in(client, analyst)
    client.post("/exchange/exports/", {"kind": "statistics", "k": "11"})
    run = ExportRun.objects.get()
    archive = zipfile.ZipFile(run.package.open("rb"))
    assert "cases.csv" not in archive.namelist() and "statistics.csv" in archive.namelist()
    assert run.report["statistics_hidden"] == run.report["statistics_rows"]  # 3 victims < k: every cell empty


def test_a_bad_k_is_refused_and_nothing_is_made(client, signed_in, analyst):
    signed_in(client, analyst)
    for k in ("1", "101", "sebelas"):
        response = client.post("/exchange/exports/", {"kind": "cases", "k": k})
        assert response.status_code == 400
    assert ExportRun.objects.count() == 0


def test_who_may_export(client, signed_in, importer, analyst, other_agency):
    worker = UserFactory(username="pekerja-kasus", agency=importer.agency, roles=[Role.CASE_WORKER])
    signed_in(client, worker)
    assert client.get("/exchange/exports/").status_code == 403
    assert client.post("/exchange/exports/", {"kind": "cases", "k": "11"}).status_code == 403
    signed_in(client, analyst)
    client.post("/exchange/exports/", {"kind": "cases", "k": "11"})
    run = ExportRun.objects.get()
    other = UserFactory(username="analis-lain", agency=other_agency, roles=[Role.ANALYST])
    signed_in(client, other)
    assert client.get(f"/exchange/exports/{run.pk}/").status_code == 404
    assert client.get(f"/exchange/exports/{run.pk}/download/").status_code == 404


def test_a_large_agency_is_exported_by_the_worker(importer, analyst, monkeypatch):
    from sinergi.exchange.exports import services, tasks

    cases(importer, 3)
    monkeypatch.setattr(services, "SYNC_CASES", 2)
    queued = []
    monkeypatch.setattr(tasks, "run_export", SimpleNamespace(enqueue=lambda **kwargs: queued.append(kwargs)))
    run = services.export_request(actor=analyst, kind="cases", k=2)
    assert run.status == "queued" and not run.package and queued == [{"run_id": run.pk}]
    services.export_run(run_id=run.pk)  # what the worker's task runs
    run.refresh_from_db()
    assert run.status == "done" and run.report["total"] == 3


class _Killed(BaseException):
    """The worker's process dying: nothing of the service's own error handling runs."""


def test_an_export_left_running_by_a_killed_worker_is_built_once_by_the_re_run(
    importer, analyst, monkeypatch, settings, tmp_path
):
    from sinergi.exchange.exports import services, tasks

    settings.MEDIA_ROOT = tmp_path
    cases(importer, 3)
    monkeypatch.setattr(services, "SYNC_CASES", 2)
    monkeypatch.setattr(tasks, "run_export", SimpleNamespace(enqueue=lambda **kwargs: None))
    run = services.export_request(actor=analyst, kind="cases", k=2)
    finish = services._export_done

    def killed(*args, **kwargs):
        raise _Killed

    # The worker dies at the worst moment: the package file is written, the run not yet marked done.
    monkeypatch.setattr(services, "_export_done", killed)
    with pytest.raises(_Killed):
        services.export_run(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == "running"
    monkeypatch.setattr(services, "_export_done", finish)
    services.export_run(run_id=run.pk)  # the lease expired: the worker runs the task again
    run.refresh_from_db()
    assert run.status == "done" and run.report["total"] == 3
    assert [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.zip")] == [run.package.name]
    assert "cases.csv" in zipfile.ZipFile(run.package.open("rb")).namelist()
