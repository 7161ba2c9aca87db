"""Precomputed tables of the analytics app, rebuilt from the cases and detection records.

They hold no access decision: every read joins them back to `Case.objects.restrict(user, ...)` and the
detection rules at the time of the read (sinergi/analytics/selectors.py), so a referral that ends removes the
nodes of that case from the agency's graph at once, without a rebuild.
"""

from __future__ import annotations

from django.db import models


class GraphNode(models.Model):
    """An entity known by a value (phone, account, handle, company, bank account, address): its number in the
    graph (sinergi/analytics/nodes.py; cases, people and posts are numbered by their own ids)."""

    key = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=12)

    def __str__(self) -> str:
        return self.key


class GraphEdge(models.Model):
    """One link between two entities (node ids of sinergi/analytics/nodes.py), with the case or post it
    comes from (rebuilt by `graph_rebuild`)."""

    source_id = models.BigIntegerField()
    target_id = models.BigIntegerField()
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
            models.Index(fields=["source_id"], name="graphedge_source_idx"),
            models.Index(fields=["target_id"], name="graphedge_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} - {self.target_id}"


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


class PostRegionMonth(models.Model):
    """Flagged posts naming a region per month, for provinces (level 1) and regencies (level 2): the map's
    post counts, summed from PostRegion at rebuild time (a post naming two regencies of one province counts
    once for the province)."""

    level = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=5)
    month = models.DateField()
    posts = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["level", "region", "month"], name="postregionmonth_key")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.month:%Y-%m}: {self.posts}"


# --- monthly figures per lead agency (sinergi/analytics/aggregates.py) ----------------------------------------


class CaseFact(models.Model):
    """What one case adds to the monthly figures, as last folded in: the fold subtracts it before adding the
    case's new state, so a change of stage, lead agency or region moves the case between figures exactly."""

    case_id = models.BigIntegerField(primary_key=True)
    agency_id = models.BigIntegerField(help_text="Lead agency.")
    region = models.CharField(max_length=13, blank=True, help_text='Origin region code, "" when unknown.')
    stage = models.CharField(max_length=40)
    is_open = models.BooleanField()
    victims = models.IntegerField()
    reported_month = models.DateField()
    closed_month = models.DateField(null=True, blank=True)
    reintegrated = models.BooleanField()
    repatriated_month = models.DateField(null=True, blank=True)
    first_action_hours = models.IntegerField(null=True, blank=True)
    close_hours = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"case {self.case_id}"


class CaseMonthly(models.Model):
    """Cases of one lead agency per month, region of origin (every level, "" for all regions) and stage.

    `kind` says which date the month is of and what is counted: "reported" (cases, open cases, victims; stage
    ""), "stage" (cases reported, by stage), "closed" (cases closed,
    reintegrated cases and their victims), "repatriated" (victims of the cases returned home that month).
    """

    agency_id = models.BigIntegerField()
    level = models.PositiveSmallIntegerField(help_text="0 all regions, 1 province ... 4 village.")
    region = models.CharField(max_length=13, blank=True)
    month = models.DateField()
    kind = models.CharField(max_length=12)
    stage = models.CharField(max_length=40, blank=True)
    cases = models.IntegerField(default=0)
    open_cases = models.IntegerField(default=0)
    victims = models.IntegerField(default=0)
    reintegrated = models.IntegerField(default=0)
    reintegrated_victims = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id", "level", "region", "month", "kind", "stage"], name="casemonthly_key"
            )
        ]
        # The map of one level without a region filter reads every region of the level for a few months.
        indexes = [
            models.Index(fields=["agency_id", "level", "kind", "month"], name="casemonthly_level_month_idx")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.region or '*'} {self.month:%Y-%m} {self.kind} {self.stage}"


class CaseDuration(models.Model):
    """How many cases of one lead agency, month and region took `hours` hours from report to first handling
    step ("first_action", month reported) or to closure ("close", month closed): the medians' histogram."""

    agency_id = models.BigIntegerField()
    level = models.PositiveSmallIntegerField()
    region = models.CharField(max_length=13, blank=True)
    month = models.DateField()
    kind = models.CharField(max_length=12)
    hours = models.IntegerField()
    cases = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency_id", "level", "region", "month", "kind", "hours"], name="caseduration_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.region or '*'} {self.month:%Y-%m} {self.kind} {self.hours} h"


class DirtyCase(models.Model):
    """A case written since its fact was folded into the monthly figures (one row per write: the fold deletes
    only the rows it read, so a write that lands during a fold is folded by the next one)."""

    case_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"case {self.case_id} to fold"
