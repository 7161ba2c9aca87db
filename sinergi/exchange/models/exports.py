"""Anonymised exports asked for on the exports page: what was asked (kind, k), the report of what was
generalised and suppressed, and the Frictionless data package to download."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.exchange.choices import ExportKind, ExportStatus


def export_upload_to(instance, filename: str) -> str:
    return f"exchange/exports/{instance.agency_id}/{filename}"


class ExportRunQuerySet(models.QuerySet["ExportRun"]):
    def restrict(self, user, action: str = "view") -> ExportRunQuerySet:
        """A user's own exports, within the agency whose cases they are of, while they may still export."""
        from sinergi.exchange.exports.services import may_export

        if not may_export(user):
            return self.none()
        return self.filter(agency_id=user.agency_id, requested_by_id=user.pk)


class ExportRun(models.Model):
    """One export of the anonymised cases an agency leads, built by the background worker for a large agency."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("export"), max_length=12, choices=ExportKind.choices)
    k = models.PositiveSmallIntegerField("k")
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    report = models.JSONField(default=dict, blank=True, help_text="Counts and level names, no personal data.")
    package = models.FileField(upload_to=export_upload_to, blank=True, max_length=200)
    failure = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ExportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(k__gte=2, k__lte=100), name="export_k_range")
        ]

    def __str__(self) -> str:
        return f"export {self.pk}"
