"""Choices of the exchange app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Waiting for the column mapping")
    PREVIEWING = "previewing", _("Checking the rows")
    PREVIEWED = "previewed", _("Checked, waiting for confirmation")
    COMMITTING = "committing", _("Saving")
    COMMITTED = "committed", _("Saved")
    FAILED = "failed", _("Failed: nothing was saved")
    DISCARDED = "discarded", _("Cancelled")


class RowOutcome(models.TextChoices):
    CREATED = "created", _("New")
    UPDATED = "updated", _("Updated")
    UNCHANGED = "unchanged", _("Already imported")
    REJECTED = "rejected", _("Rejected")
