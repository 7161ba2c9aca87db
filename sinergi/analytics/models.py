"""Precomputed tables of the analytics app, rebuilt from the cases and detection records.

They hold no access decision: every read joins them back to `Case.objects.restrict(user, ...)` and the
detection rules at the time of the read (sinergi/analytics/selectors.py), so a referral that ends removes the
nodes of that case from the agency's graph at once, without a rebuild.
"""

from __future__ import annotations

from django.db import models


class GraphEdge(models.Model):
    """One link between two entities, with the case or post it comes from (rebuilt by `graph_rebuild`)."""

    source = models.CharField(max_length=80)
    source_kind = models.CharField(max_length=12)
    target = models.CharField(max_length=80)
    target_kind = models.CharField(max_length=12)
    case_id = models.BigIntegerField(null=True, blank=True)
    post_id = models.BigIntegerField(null=True, blank=True)
    person_id = models.BigIntegerField(null=True, blank=True)
    # The part of the record the link belongs to, which decides who may see it (sinergi/analytics/selectors.py):
    # "parties" (a case and its people), "identity" (a person's phone, account or address: only for readers
    # who may see that person), "investigation" (perpetrator organisations), "post" (public posts).
    part = models.CharField(max_length=16)
    seen = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["case_id"], name="graphedge_case_idx"),
            models.Index(fields=["post_id"], name="graphedge_post_idx"),
            models.Index(fields=["person_id"], name="graphedge_person_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source} - {self.target}"


class GraphNodeLabel(models.Model):
    """A display label worked out at rebuild time (masked phone, bank account, address area), never a name."""

    key = models.CharField(max_length=80, primary_key=True)
    label = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.label


class GraphBuild(models.Model):
    """When the edge tables were last rebuilt, and how big they were."""

    built_at = models.DateTimeField()
    edges = models.PositiveBigIntegerField(default=0)
    seconds = models.FloatField(default=0)

    class Meta:
        ordering = ["-built_at"]

    def __str__(self) -> str:
        return f"graph built {self.built_at:%Y-%m-%d %H:%M}"


class PostRegion(models.Model):
    """A flagged post (high or medium risk) that names a regency of origin, found at rebuild time."""

    post_id = models.BigIntegerField()
    regency = models.CharField(max_length=5, help_text="Dotted regency code, e.g. 52.03.")
    month = models.DateField(help_text="First day of the month the post was received.")

    class Meta:
        indexes = [models.Index(fields=["regency", "month"], name="postregion_regency_month_idx")]
        constraints = [models.UniqueConstraint(fields=["post_id", "regency"], name="postregion_unique")]

    def __str__(self) -> str:
        return f"post {self.post_id} in {self.regency}"
