"""Uploaded files of posts: checked in the request, screened and stored by the background worker."""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.core.errors import ApplicationError
from sinergi.detection.choices import BatchStatus, PostSource
from sinergi.detection.models import PostBatch, can_review_posts
from sinergi.detection.services.parsing import parse_upload, validate_items
from sinergi.detection.services.storing import _invalid_lines, _store_items

if TYPE_CHECKING:
    from sinergi.agencies.models import User

logger = logging.getLogger(__name__)


MAX_ITEMS_PER_UPLOAD = 20_000  # an uploaded file is screened by the background worker, not in the request


def post_upload(*, actor: User, name: str, data: bytes) -> PostBatch:
    """Checks an uploaded JSONL or CSV file now and queues it: the worker screens and stores its posts.

    Everything a user can get wrong (type, size, encoding, header, any line) is refused here, with the lines,
    and nothing is kept. A file that passes becomes a batch "waiting to be screened"; `post_upload_process`
    (a background task, queued once the batch is committed) then stores all its posts or, should something
    still fail, none. `manage.py detection_uploads_resume` queues again a batch whose task was lost.
    """
    from sinergi.detection.tasks import process_uploaded_batch

    if not can_review_posts(actor):
        raise PermissionDenied
    rows = parse_upload(name=name, data=data)
    items, line_errors = validate_items(rows, limit=MAX_ITEMS_PER_UPLOAD)
    if line_errors:
        raise _invalid_lines(line_errors)
    if not items:
        raise ApplicationError(_("There are no posts to store."), code="empty_batch")
    with transaction.atomic(durable=True):
        batch = PostBatch(
            source=PostSource.UPLOAD,
            filename=(name or "")[-255:],
            created_by=actor,
            agency=getattr(actor, "agency", None),
            total_count=len(items),
            status=BatchStatus.QUEUED,
        )
        batch.full_clean(exclude=["upload"])
        batch.save()
        batch.upload.save("upload", ContentFile(data), save=True)
        batch_id = batch.pk
        transaction.on_commit(lambda: process_uploaded_batch.enqueue(batch_id=batch_id))
    batch.refresh_from_db()
    return batch


def post_upload_process(*, batch_id: int) -> PostBatch | None:
    """The worker's half of an upload: screens the queued file and stores all its posts, or none.

    Safe to run twice: a batch is claimed while it still has its file, i.e. waiting, or left "running" by a
    worker killed midway (core/worker.py runs the task again once that worker's lease has expired). The store
    is one transaction, so such a batch has nothing written yet; a finished one (stored or refused) has lost
    its file and is left alone. The file is removed once handled either way; a refusal is kept on the batch.
    """
    claimed = (
        PostBatch.objects.filter(pk=batch_id, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING])
        .exclude(upload="")
        .update(status=BatchStatus.RUNNING)
    )
    batch = PostBatch.objects.select_related("created_by").filter(pk=batch_id).first()
    if not claimed or batch is None:
        return batch
    failure, line_errors = "", []
    try:
        with batch.upload.open("rb") as fh:
            data = fh.read()
        rows = parse_upload(name=batch.filename, data=data)
        _store_items(
            actor=batch.created_by,
            numbered=[(line, row, None) for line, row in rows],
            source=PostSource.UPLOAD,
            filename=batch.filename,
            batch=batch,
            limit=MAX_ITEMS_PER_UPLOAD,
        )
    except ApplicationError as exc:
        failure = exc.message
        line_errors = [{"line": e.line, "message": e.message[:300]} for e in getattr(exc, "line_errors", [])]
    except PermissionDenied:
        failure = _("The person who uploaded the file may no longer store posts.")
    except Exception:
        # Not the user's doing: the worker logs it (without the posts) and the batch says it was not stored.
        logger.exception("upload batch %s could not be stored", batch_id)
        failure = _("The file could not be screened because of an error on the server. Upload it again.")
    if failure:
        PostBatch.objects.filter(pk=batch_id).update(
            status=BatchStatus.FAILED, failure=str(failure)[:500], errors=line_errors[:1000]
        )
    with contextlib.suppress(OSError, ValueError):
        batch.upload.delete(save=False)
    PostBatch.objects.filter(pk=batch_id).update(upload="")
    batch.refresh_from_db()
    return batch


def post_upload_given_up(*, batch_id: int) -> None:
    """The worker gave the upload's task up (its worker died every time, as when a file exhausts its memory): a
    batch still waiting or being screened is not stored, saying so in its uploader's language, and its file is
    removed as after any refusal. The store is one transaction, so nothing of it was written; a handled batch is
    left alone (safe twice), and `post_uploads_resume` no longer queues it again."""
    from sinergi.core.worker import given_up_reason

    unfinished = PostBatch.objects.filter(pk=batch_id, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING])
    batch = unfinished.select_related("created_by").first()
    if batch is None:
        return
    failed = unfinished.update(status=BatchStatus.FAILED, failure=given_up_reason(batch.created_by)[:500])
    if not failed:
        return
    logger.warning("upload batch %s not stored: its task was given up", batch_id)
    if batch.upload:
        with contextlib.suppress(OSError, ValueError):
            batch.upload.delete(save=False)
        PostBatch.objects.filter(pk=batch_id).update(upload="")


def post_uploads_resume(*, older_than_minutes: int = 30) -> int:
    """Queues again the uploads whose task was lost: still waiting, or claimed by a worker that stopped midway
    (the store is one transaction, so nothing of such a batch was written). Returns how many were queued."""
    from datetime import timedelta

    from sinergi.detection.tasks import process_uploaded_batch

    stale = PostBatch.objects.filter(
        source=PostSource.UPLOAD,
        status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING],
        created_at__lt=timezone.now() - timedelta(minutes=older_than_minutes),
    ).exclude(upload="")
    ids = list(stale.values_list("pk", flat=True))
    PostBatch.objects.filter(pk__in=ids).update(status=BatchStatus.QUEUED)
    for batch_id in ids:
        process_uploaded_batch.enqueue(batch_id=batch_id)
    return len(ids)
