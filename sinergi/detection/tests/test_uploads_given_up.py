"""An uploaded file whose screening task the worker gave up (issue 14 point 9): the task killed its worker
MAX_ATTEMPTS times (a file that exhausts the memory), so the batch ends "not stored", saying why, instead of
"being screened" for ever; its file is removed, and nothing queues it again."""

from __future__ import annotations

import json
import os
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sinergi.core import worker as worker_module
from sinergi.core.testing.tasks import DB_TASKS, claimed_by_a_dead_worker, run_worker
from sinergi.detection import services
from sinergi.detection.choices import BatchStatus
from sinergi.detection.models import PostBatch, ScreenedPost
from sinergi.detection.tests.conftest import RISKY, SAFE

pytestmark = pytest.mark.django_db


def test_a_given_up_upload_is_not_stored_and_says_why(
    client, signed_in, analyst, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DB_TASKS
    data = "\n".join(json.dumps({"text": text}) for text in (RISKY, SAFE)).encode()
    with django_capture_on_commit_callbacks(execute=True):
        batch = services.post_upload(actor=analyst, name="posts.jsonl", data=data)
    stored_file = batch.upload.path
    [result] = DBTaskResult.objects.all()
    PostBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)  # claimed by the dying worker
    claimed_by_a_dead_worker(result.pk, attempts=worker_module.MAX_ATTEMPTS)
    run_worker("bulk")
    assert DBTaskResult.objects.get(pk=result.pk).status == TaskResultStatus.FAILED
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert batch.failure == "Tugas dihentikan setelah 3 kali percobaan gagal."
    assert not batch.upload and not os.path.exists(stored_file)
    assert not ScreenedPost.objects.exists()
    signed_in(client, analyst)
    page = client.get(reverse("detection:batch", args=[batch.pk])).content.decode()
    assert 'data-status="failed"' in page and batch.failure in page
    # The resume command no longer takes it for a lost task.
    PostBatch.objects.filter(pk=batch.pk).update(created_at=timezone.now() - timedelta(hours=2))
    assert services.post_uploads_resume(older_than_minutes=30) == 0


def test_a_late_give_up_leaves_a_stored_upload_alone(analyst):
    from sinergi.detection.services.uploads import post_upload_given_up

    batch = services.post_upload(
        actor=analyst, name="posts.jsonl", data=(json.dumps({"text": RISKY}) + "\n").encode()
    )
    services.post_upload_process(batch_id=batch.pk)
    post_upload_given_up(batch_id=batch.pk)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.failure == "" and batch.stored_count == 1
