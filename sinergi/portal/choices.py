from django.db import models
from django.utils.translation import gettext_lazy as _


class ReportStatus(models.TextChoices):
    """What a reporter may know about their report: these three words and nothing else."""

    RECEIVED = "RECEIVED", _("Received: waiting to be passed to the responsible agency")
    IN_PROGRESS = "IN_PROGRESS", _("Being handled by the responsible agency")
    CLOSED = "CLOSED", _("Handling finished")


class ReportChannel(models.TextChoices):
    WEB = "WEB", _("Web form")
    WHATSAPP = "WHATSAPP", _("WhatsApp")
    SMS = "SMS", _("SMS")


class OutboxStatus(models.TextChoices):
    QUEUED = "QUEUED", _("Queued")
    SENT = "SENT", _("Sent")
    FAILED = "FAILED", _("Failed")
