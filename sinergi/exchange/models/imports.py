"""Spreadsheet imports: the uploaded batch, its row-by-row outcome, the provenance of every imported record,
and the column mapping each agency saves for its own spreadsheets."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.exchange.choices import ImportStatus, RowOutcome
from sinergi.exchange.imports.schema import RecordType


def import_upload_to(instance, filename: str) -> str:
    """A random name: the original file name (which may name a person) stays in `filename` only."""
    return f"exchange/imports/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class ImportBatchQuerySet(models.QuerySet["ImportBatch"]):
    def restrict(self, user, action: str = "view") -> ImportBatchQuerySet:
        """Imports `user` may see or act on: those of the user's own agency (the file holds the agency's own
        records); platform administrators see every agency's imports but run none."""
        from sinergi.exchange.imports import access

        if not access.may_import_any(user) and not getattr(user, "is_superuser", False):
            return self.none()
        if user.is_superuser:
            return self if action == "view" else self.none()
        return self.filter(agency_id=user.agency_id)


class ImportBatch(models.Model):
    """One uploaded spreadsheet on its way in: mapped, previewed (a dry run), then saved in one transaction."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(_("records"), max_length=20, choices=RecordType.choices)
    filename = models.CharField(_("file"), max_length=255)
    file_sha256 = models.CharField(max_length=64)
    file_size = models.PositiveBigIntegerField(default=0)
    upload = models.FileField(upload_to=import_upload_to, blank=True, max_length=200)
    sheets = models.JSONField(default=list, blank=True, help_text="[{name, hidden}] of the workbook.")
    sheet_name = models.CharField(_("sheet"), max_length=120, blank=True)
    header_row = models.PositiveIntegerField(default=1, help_text="1-based row number of the header.")
    headers = models.JSONField(default=list, blank=True)
    mapping = models.JSONField(default=dict, blank=True, help_text="{column position: field key}")
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.MAPPING)
    total_rows = models.PositiveIntegerField(default=0)
    done_rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True, help_text="{outcome: rows} of the last run.")
    failure = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"import {self.pk}"

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.PREVIEWING, ImportStatus.COMMITTING)

    @property
    def progress_percent(self) -> int:
        return int(100 * self.done_rows / self.total_rows) if self.total_rows else 0


class ImportRowResult(models.Model):
    """What the last run (preview or commit) did with one row, and why; messages name columns, not values."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_results")
    row_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=RowOutcome.choices)
    messages = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["row_number"]
        indexes = [models.Index(fields=["batch", "outcome", "row_number"], name="import_row_outcome_idx")]

    def __str__(self) -> str:
        return f"row {self.row_number}: {self.outcome}"


class ImportedRecord(models.Model):
    """Provenance of an imported record: which agency's file, sheet and row it came from. `row_key` (a hash of
    the row's normalised values) is unique per agency and record type, so importing the same file twice finds
    every row already there and creates nothing new."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    row_key = models.CharField(max_length=64)
    batch = models.ForeignKey(ImportBatch, on_delete=models.PROTECT, related_name="records")
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64)
    filename = models.CharField(max_length=255)
    sheet_name = models.CharField(max_length=120, blank=True)
    row_number = models.PositiveIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "record_type", "row_key"], name="imported_record_row_unique"
            )
        ]
        indexes = [models.Index(fields=["object_type", "object_id"], name="imported_record_object_idx")]

    def __str__(self) -> str:
        return f"{self.object_type} {self.object_id} from row {self.row_number}"


class ImportMapping(models.Model):
    """An agency's saved column mapping for one record type: {header as compared: field key}."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(max_length=20, choices=RecordType.choices)
    mapping = models.JSONField(default=dict)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "record_type"], name="import_mapping_unique"),
            models.CheckConstraint(condition=~Q(record_type=""), name="import_mapping_type_set"),
        ]

    def __str__(self) -> str:
        return f"mapping {self.record_type}"
