"""Background work of the detection app: uploaded files to screen, and retraining the learned layer."""

from __future__ import annotations

import contextlib
import contextvars
import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

# Reviews arrive in bursts; one retraining a few minutes after the last burst is enough.
RETRAIN_DELAY = timedelta(minutes=5)
# Every reviewed example is used, newest first, up to this many (training stays well under a minute).
MAX_EXAMPLES = 20_000
_suppressed = contextvars.ContextVar("detection_retraining_suppressed", default=False)


@contextlib.contextmanager
def retraining_suppressed():
    """Reviews made inside (demo data, bulk imports of past decisions) schedule no retraining."""
    token = _suppressed.set(True)
    try:
        yield
    finally:
        _suppressed.reset(token)


def reviewed_examples() -> list[dict]:
    """Texts the analysts decided: confirmed posts are "risky", dismissed ones "safe"."""
    from sinergi.detection.choices import ReviewStatus
    from sinergi.detection.models import ScreenedPost

    label = {ReviewStatus.CONFIRMED: "risky", ReviewStatus.DISMISSED: "safe"}
    rows = (
        ScreenedPost.objects.filter(status__in=list(label))
        .order_by("-id")
        .values_list("text", "status", "text_hash")[:MAX_EXAMPLES]
    )
    examples = []
    seen: set[str] = set()
    for text, status, text_hash in rows:
        # Reposts of one campaign are one example, not hundreds, or a single campaign would dominate.
        if text_hash in seen:
            continue
        seen.add(text_hash)
        examples.append({"text": text, "label": label[status]})
    return examples


def _train_and_save():
    """The learned layer's entry point, or None when the engine ships without it."""
    try:
        from sinergi.detection.engine.learned import train_and_save
    except ImportError:
        return None
    return train_and_save


# Long work runs on the "bulk" queue and its own worker (sinergi/core/worker.py): it never delays e-mails.
@task(queue_name=settings.SINERGI_BULK_QUEUE)
def retrain_detection_model() -> dict:
    """Retrains the learned layer with the project corpus plus every reviewed post."""
    train = _train_and_save()
    examples = reviewed_examples()
    if train is None:
        logger.warning("detection: learned layer not installed; %s reviewed examples not used", len(examples))
        return {"status": "skipped", "reason": "learned layer missing", "examples": len(examples)}
    try:
        train(extra_examples=examples)
    except ValueError as exc:
        # The learned layer refuses a model that scores worse than the rules on its held-out texts
        # (ModelRejected); the deployed model stays, and the analysts' examples wait for the next run.
        logger.warning("detection: retrained model not deployed (%s)", type(exc).__name__)
        return {"status": "rejected", "reason": str(exc)[:300], "examples": len(examples)}
    logger.info("detection: model retrained with %s reviewed examples", len(examples))
    return {"status": "trained", "examples": len(examples)}


def schedule_retrain() -> None:
    """Enqueues a retraining unless one is already waiting (called after a review commits)."""
    if _suppressed.get():
        return
    backend = retrain_detection_model.get_backend()
    if getattr(backend, "supports_defer", False):
        if _retrain_pending():
            return
        retrain_detection_model.using(run_after=timezone.now() + RETRAIN_DELAY).enqueue()
    else:
        retrain_detection_model.enqueue()


def _retrain_pending() -> bool:
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return False
    return DBTaskResult.objects.filter(task_path=retrain_detection_model.module_path, status="READY").exists()


@task(queue_name=settings.SINERGI_BULK_QUEUE)
def process_uploaded_batch(batch_id: int) -> str:
    """Screens and stores an uploaded file's posts (services.post_upload_process); returns the batch status."""
    from sinergi.detection.services import post_upload_process

    batch = post_upload_process(batch_id=batch_id)
    return batch.status if batch is not None else "missing"
