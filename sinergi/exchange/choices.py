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


class EventType(models.TextChoices):
    CASE_CREATED = "case.created", _("Case created")
    REFERRAL_SENT = "referral.sent", _("Referral sent")
    REFERRAL_ACCEPTED = "referral.accepted", _("Referral accepted")
    REFERRAL_DECLINED = "referral.declined", _("Referral declined")
    REFERRAL_OVERDUE = "referral.overdue", _("Referral overdue")
    POST_FLAGGED = "post.flagged", _("Post flagged")
    PERSON_MERGED = "person.merged", _("People merged")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be delivered")
    DELIVERED = "delivered", _("Delivered")
    WITHHELD = "withheld", _("Not sent: the receiver may not see it")
    DEAD = "dead", _("Given up after repeated failures")
