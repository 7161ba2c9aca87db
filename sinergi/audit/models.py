"""The append-only audit trail: who did what to which record, when, from where.

Each entry carries the SHA-256 of its own content and of the entry before it, so removing or altering a row
breaks the chain at that point (`manage.py audit_verify`). On PostgreSQL a trigger also refuses UPDATE and
DELETE on the table. Entries hold ids and field names, never the personal data itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.audit.choices import AuditAction

# Roles that read their own agency's trail; platform administrators read every agency's. The codes of
# agencies.choices.Role, written out: the audit trail sits below the agencies app, which records into it.
AUDIT_READER_ROLES = ("SUPERVISOR", "AGENCY_ADMIN")


class AuditEntryQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> AuditEntryQuerySet:
        """The entries `user` may read. The trail is never written through a queryset, so only "view" exists.

        Supervisors and agency administrators see what happened in their own agency (entries made by its
        users); platform administrators see everything; everyone else sees nothing.
        """
        if action != "view" or user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        if user.agency_id is None or not user.has_role(*AUDIT_READER_ROLES):
            return self.none()
        return self.filter(agency_id=user.agency_id)


def can_read_audit(user) -> bool:
    """Whether the audit pages are open to `user` at all (their scope is `AuditEntry.objects.restrict`)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or (user.agency_id is not None and user.has_role(*AUDIT_READER_ROLES))


class AuditEntry(models.Model):
    """One recorded action: who (user and agency at the time), did what, to which record, when, from where."""

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(
        max_length=150, blank=True, help_text="Username at the time, kept if renamed."
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("agency"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices, db_index=True)
    object_type = models.CharField(_("record type"), max_length=60, db_index=True)
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Unique: each entry is followed by at most one, so even a writer that skipped the chain lock cannot fork it.
    prev_hash = models.CharField(max_length=64, unique=True)
    entry_hash = models.CharField(max_length=64, unique=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
