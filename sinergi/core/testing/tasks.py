"""Running the background worker inside a test: the database task backend and one batch of the real worker."""

from __future__ import annotations

import os
import threading
from datetime import timedelta
from pathlib import Path
from unittest import mock

from django.core.mail.backends.filebased import EmailBackend as FileBackend
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sinergi.core import worker as worker_module
from sinergi.core.worker import ResilientWorker

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "bulk"]}}


def run_worker(queue="default", **kwargs) -> ResilientWorker:
    worker = ResilientWorker(
        queue_names=[queue],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=kwargs.pop("worker_id", "w-new"),
        excluded_queue_names=[],
        beat_in_background=False,  # the test database lives in this thread only
    )
    # The test database lives inside this test's transaction: on PostgreSQL, the worker's closing of old or broken
    # connections would end that transaction and leave it retrying on a closed connection for ever.
    with (
        mock.patch.object(worker_module, "HEARTBEAT_SECONDS", 0),
        mock.patch.object(worker_module, "close_old_connections", lambda: None),
        mock.patch.object(worker_module.connections, "close_all", lambda: None),
    ):
        worker.run()
    return worker


def claimed_by_a_dead_worker(result_id, *, attempts=1) -> None:
    """As a worker killed in the middle of the task leaves it: RUNNING, started long ago, by a silent worker."""
    DBTaskResult.objects.filter(pk=result_id).update(
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=5),
        worker_ids=[f"dead-{n}" for n in range(attempts)],
    )


class HangingFileBackend(FileBackend):
    """The file e-mail backend of a worker run in a subprocess by a test, which hangs on the message after the
    first `SINERGI_TEST_MAIL_HANG_AFTER` (as a mail server that stops answering) after writing its process id
    in a file `hanging`, so that the test kills the worker in the middle of its task at a known point. It hangs
    once: the run after the kill goes through."""

    delivered = 0

    def send_messages(self, email_messages):
        hang_after = int(os.environ.get("SINERGI_TEST_MAIL_HANG_AFTER", "0") or 0)
        for message in email_messages:
            marker = Path(self.file_path) / "hanging"
            if hang_after and HangingFileBackend.delivered >= hang_after and not marker.exists():
                marker.write_text(str(os.getpid()))  # once: the run after the kill goes through
                threading.Event().wait()
            super().send_messages([message])
            HangingFileBackend.delivered += 1
        return len(email_messages)
