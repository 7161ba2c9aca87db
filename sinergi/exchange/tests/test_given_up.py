"""Exports, imports and linkage runs whose task the worker gave up (issue 14 point 9): the task killed its worker
MAX_ATTEMPTS times, so it is marked failed without running again; its record says so and does not stay "running"
for ever (a linkage run so left refused every later one)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sinergi.agencies.choices import Role
from sinergi.core import worker as worker_module
from sinergi.core.testing.factories import UserFactory
from sinergi.core.testing.tasks import DB_TASKS, claimed_by_a_dead_worker, run_worker
from sinergi.exchange.choices import ExportStatus, ImportStatus
from sinergi.exchange.imports import services as import_services
from sinergi.exchange.models import ExportRun, ImportBatch, LinkRun
from sinergi.exchange.tests.spreadsheets import NIK_BUDI, NIK_SITI, csv_bytes
from sinergi.exchange.tests.test_export_page import cases
from sinergi.people.models import Person

pytestmark = pytest.mark.django_db

GIVEN_UP_ID = "Tugas dihentikan setelah 3 kali percobaan gagal."
GIVEN_UP_EN = "The task was given up after 3 failed attempts."


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def killed_its_worker_every_time() -> None:
    """The one queued task, as its last worker's death leaves it, then a living worker's sweep."""
    [result] = DBTaskResult.objects.all()
    claimed_by_a_dead_worker(result.pk, attempts=worker_module.MAX_ATTEMPTS)
    run_worker("bulk")
    assert DBTaskResult.objects.get(pk=result.pk).status == TaskResultStatus.FAILED


def test_a_given_up_linkage_run_fails_saying_why_and_a_new_run_can_be_requested(
    client, signed_in, supervisor, db_tasks, django_capture_on_commit_callbacks
):
    signed_in(client, supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("exchange:duplicates_run")).status_code == 302
    run = LinkRun.objects.get()
    killed_its_worker_every_time()
    run.refresh_from_db()
    assert run.status == "failed" and run.error == LinkRun.GIVEN_UP and run.finished_at
    page = client.get(reverse("exchange:duplicates")).content.decode()
    assert GIVEN_UP_ID in page
    # No longer "a linkage run is already waiting or running": the next one is queued and runs.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("exchange:duplicates_run")).status_code == 302
    again = LinkRun.objects.exclude(pk=run.pk).get()
    assert again.status == "queued"
    run_worker("bulk")
    again.refresh_from_db()
    assert again.status == "done"
    run.refresh_from_db()
    assert run.status == "failed"  # the given-up run is left as it ended


def test_a_given_up_export_fails_saying_why_in_its_requesters_language(
    client, signed_in, importer, db_tasks, monkeypatch
):
    from sinergi.exchange.exports import services

    analyst = UserFactory(
        username="analis-en", agency=importer.agency, roles=[Role.ANALYST], preferred_language="en"
    )
    cases(importer, 3)
    monkeypatch.setattr(services, "SYNC_CASES", 2)  # a large agency: the worker builds it
    signed_in(client, analyst)
    client.post(reverse("exchange:exports"), {"kind": "cases", "k": "2"})
    run = ExportRun.objects.get()
    assert run.status == ExportStatus.QUEUED
    killed_its_worker_every_time()
    run.refresh_from_db()
    assert run.status == ExportStatus.FAILED and run.failure == GIVEN_UP_EN and not run.package
    page = client.get(reverse("exchange:export_detail", args=[run.pk])).content.decode()
    assert GIVEN_UP_EN in page and 'data-status="failed"' in page


def test_a_given_up_import_fails_saying_why_and_can_be_checked_again(
    client, signed_in, importer, db_tasks, monkeypatch
):
    monkeypatch.setattr(import_services, "SYNC_ROWS", 1)  # a large file: the worker checks it
    data = csv_bytes([["Nama Lengkap", "NIK"], ["Siti Rahayu", NIK_SITI], ["Budi Santoso", NIK_BUDI]])
    batch = import_services.import_upload(actor=importer, record_type="people", name="besar.csv", data=data)
    batch = import_services.import_start(actor=importer, batch_id=batch.pk, commit=False)
    assert batch.status == ImportStatus.PREVIEWING
    killed_its_worker_every_time()
    batch.refresh_from_db()
    assert batch.status == ImportStatus.FAILED and batch.failure == GIVEN_UP_ID
    signed_in(client, importer)
    page = client.get(reverse("exchange:import_detail", args=[batch.pk])).content.decode()
    assert GIVEN_UP_ID in page
    assert not Person.objects.exists()
    # Nothing was saved and the file is kept: the importer can check it again.
    batch = import_services.import_start(actor=importer, batch_id=batch.pk, commit=False)
    run_worker("bulk")
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.PREVIEWED


def test_a_finished_record_is_left_alone_by_a_late_give_up(supervisor):
    """The handlers only end what is unfinished: called again (two workers' sweeps), or for a run that ended."""
    from sinergi.exchange.duplicates.services import link_run_given_up

    done = LinkRun.objects.create(status="done", requested_by=supervisor)
    link_run_given_up(done.pk)
    link_run_given_up(done.pk)
    done.refresh_from_db()
    assert done.status == "done" and done.error == ""
