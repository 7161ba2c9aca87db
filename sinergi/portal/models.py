"""Community reports, what reporters add to them, their photos, and the messages the portal sends and receives.

A report is stored before anything else happens, so nothing a person sends is lost; it then enters the case
flow as a case of the agency responsible for its region (services.report_intake). Contact details are encrypted
at rest and cleared from the report once they have been recorded with the case. The tracking code is never
stored: only its keyed hash, so a leaked table does not let anyone follow a report.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.fields import EncryptedTextField
from sinergi.portal.choices import OutboxStatus, ReportChannel


class Report(models.Model):
    """One community report, from the web form or a message, until (and after) it becomes a case."""

    code_hash = models.CharField(max_length=64, unique=True, editable=False)
    # A random token of the form page: the same form sent twice (a reload) is one report.
    submission_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    channel = models.CharField(_("channel"), max_length=10, choices=ReportChannel.choices)
    what_happened = models.TextField(_("what happened"))
    where_text = models.CharField(_("where, as written"), max_length=300, blank=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    who = models.TextField(_("who was involved"), blank=True)
    contact_name = EncryptedTextField(_("name"), blank=True, default="")
    contact_phone = EncryptedTextField(_("phone"), blank=True, default="")
    contact_email = EncryptedTextField(_("e-mail"), blank=True, default="")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="portal_report"
    )
    intake_attempts = models.PositiveSmallIntegerField(default=0)
    intake_error = models.CharField(max_length=60, blank=True, help_text="A code, never personal data.")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    intake_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("community report")
        verbose_name_plural = _("community reports")
        indexes = [
            models.Index(fields=["case"], name="portal_report_pending_idx", condition=models.Q(case=None))
        ]

    def __str__(self) -> str:
        return f"report {self.pk}"

    @property
    def reference(self) -> str:
        """The report's mark in the case narrative: lets a repeated intake find the case it already made."""
        return f"PORTAL-{self.pk}"


class ReportAddition(models.Model):
    """Information a reporter added with the tracking code, passed to the case as a note."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="additions")
    text = models.TextField(_("information"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    forwarded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"addition {self.pk} to report {self.report_id}"


class ReportPhoto(models.Model):
    """A photo sent with a report, re-encoded without its metadata (place, camera, time) before it is stored."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos")
    addition = models.ForeignKey(
        ReportAddition, on_delete=models.CASCADE, null=True, blank=True, related_name="photos"
    )
    file = models.FileField(upload_to="portal/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    forwarded_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"photo {self.pk} of report {self.report_id}"


class OutboxMessage(models.Model):
    """A reply waiting for the messaging gateway. The sender (a worker outside the request) delivers it."""

    channel = models.CharField(max_length=10, choices=ReportChannel.choices)
    recipient = EncryptedTextField()
    body = EncryptedTextField()
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="portal_outbox_queue_idx")]

    def __str__(self) -> str:
        return f"outbox {self.pk} ({self.channel}, {self.status})"


class InboundMessage(models.Model):
    """The id of a message a gateway delivered, kept so a retried delivery is answered once. Not its text."""

    channel = models.CharField(max_length=10, choices=ReportChannel.choices)
    message_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "message_hash"], name="portal_inbound_once")
        ]

    def __str__(self) -> str:
        return f"inbound {self.channel} {self.pk}"
