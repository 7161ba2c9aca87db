"""Record linkage on the platform: runs of the linker over the people table and the pairs it proposes.

A run (`LinkRun`) scores every pair of person records its blocking rules bring together and keeps the pairs at
or above the review threshold as `CandidatePair`s. A person then decides each pair: the same person (merged)
or not (kept apart). A merge never rewrites or deletes a person record: each agency keeps its own record,
and the merged pairs say which records are one person (`sinergi.exchange.duplicates.selectors.same_person`).
Undoing a merge sets the pair back to undecided; every decision and undo is in the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class LinkRunStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class PairBand(models.TextChoices):
    MATCH = "match", _("Likely the same person")
    REVIEW = "review", _("Unsure")


class PairStatus(models.TextChoices):
    PENDING = "pending", _("Undecided")
    MERGED = "merged", _("Same person")
    KEPT_APART = "kept_apart", _("Different people")


class LinkRun(models.Model):
    """One run of the Indonesian-aware linker over the people table (background task `run_linkage`)."""

    status = models.CharField(max_length=10, choices=LinkRunStatus.choices, default=LinkRunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    records = models.PositiveIntegerField(default=0)
    pairs = models.PositiveIntegerField(default=0)
    clusters = models.PositiveIntegerField(default=0)
    trained = models.BooleanField(default=False)
    model_version = models.CharField(max_length=60, blank=True)
    # Relative to the linkage model folder (settings.SINERGI_LINKAGE_DIR); empty when the shipped default scored.
    model_file = models.CharField(max_length=200, blank=True)
    error = models.CharField(max_length=300, blank=True, help_text="Exception class and code only, no data.")

    # The `error` of a run whose task the worker gave up (core/worker.py), its worker having died every time.
    GIVEN_UP = "given_up"

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("linkage run")

    def __str__(self) -> str:
        return f"link run {self.pk}"

    @property
    def failure(self) -> str:
        """Why a failed run stopped, for its reader: `error` holds a code, never words in someone's language."""
        if self.status != LinkRunStatus.FAILED:
            return ""
        if self.error == self.GIVEN_UP:
            from sinergi.core.worker import given_up_reason

            return given_up_reason()
        return str(_("The run stopped because of an error on the server."))


class CandidatePair(models.Model):
    """Two person records a run found alike, ordered by id (person_a.id < person_b.id), with the decision."""

    run = models.ForeignKey(LinkRun, on_delete=models.CASCADE, related_name="candidate_pairs")
    person_a = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField()
    match_weight = models.FloatField()
    band = models.CharField(max_length=10, choices=PairBand.choices)
    status = models.CharField(max_length=12, choices=PairStatus.choices, default=PairStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped by every decision.")

    class Meta:
        ordering = ["-probability", "id"]
        verbose_name = _("candidate pair")
        constraints = [
            models.CheckConstraint(condition=Q(person_a__lt=F("person_b")), name="pair_ordered"),
            models.UniqueConstraint(fields=["person_a", "person_b"], name="pair_unique"),
        ]
        indexes = [models.Index(fields=["status", "band", "-probability"], name="pair_queue_idx")]

    def __str__(self) -> str:
        return f"pair {self.person_a_id}-{self.person_b_id}"
