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


class AgreementStatus(models.TextChoices):
    DRAFT = "draft", _("Awaiting signature")
    SIGNED = "signed", _("Signed")
    REVOKED = "revoked", _("Revoked")


class AgreementPurpose(models.TextChoices):
    CASE_HANDLING = "case_handling", _("Case handling and referrals")
    VICTIM_CARE = "victim_care", _("Victim care and recovery")
    INVESTIGATION = "investigation", _("Investigation and prosecution")
    PREVENTION = "prevention", _("Prevention of departures at risk")
    STATISTICS = "statistics", _("Statistics and reporting")


class SharedFieldGroup(models.TextChoices):
    """The policy's field groups (sinergi.cases.policy.FieldGroup), named for people who sign agreements."""

    IDENTITY = "identity", _("Identity (names, NIK, passport, birth date)")
    CONTACTS = "contacts", _("Contacts (phones, addresses, accounts)")
    NARRATIVE = "narrative", _("Narrative (the story, route, modus, destination)")
    MEDICAL = "medical", _("Medical and psychosocial care")
    INVESTIGATION = "investigation", _("Investigation (legal track, investigation notes)")


class ExportKind(models.TextChoices):
    CASES = "cases", _("Case-level dataset (HTCDS 2.0 / CTDC), with statistical tables")
    STATISTICS = "statistics", _("Statistical tables only (XLSX and CSV)")


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting for the background worker")
    RUNNING = "running", _("Being prepared")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")
