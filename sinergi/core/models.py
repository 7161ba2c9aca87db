from django.db import models


class ThrottleHit(models.Model):
    """One counted request of a rate limit (sinergi/core/throttle.py). `key` is a keyed hash of what is counted
    (an address, an e-mail), never the value itself: the table holds no personal data in clear."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["scope", "key", "at"], name="core_throttle_lookup"),
            models.Index(fields=["at"], name="core_throttle_at"),
        ]

    def __str__(self) -> str:
        return f"{self.scope} at {self.at:%Y-%m-%d %H:%M:%S}"


class WorkerHeartbeat(models.Model):
    """The last sign of life of one background worker (sinergi/core/worker.py): a task left running by a worker
    that stopped beating is queued again."""

    worker_id = models.CharField(max_length=64, unique=True)
    queues = models.CharField(max_length=200)
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"worker {self.worker_id} at {self.beat_at:%Y-%m-%d %H:%M:%S}"


class MailHandOff(models.Model):
    """One e-mail a background task sends at most once (sinergi/core/mail.py). `key` names the job by ids only
    (e.g. the task's result id, or a lock's user and end), never an address; `sent_at` is set once the mail
    server took the message."""

    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.key
