"""The append-only audit trail: who did what to which record, when, from where.

Each entry carries the SHA-256 of its own content and of the entry before it in its chain, so removing or
altering a row breaks the chain at that point (`manage.py audit_verify`). There are SINERGI_AUDIT_CHAINS chains
side by side (decision 0014), so that concurrent writers need not take turns on one lock; the signed checkpoints
anchor all their heads together. On PostgreSQL a trigger also refuses UPDATE and
DELETE on the table. Entries hold ids and field names, never the personal data itself.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.audit.choices import AuditAction
from sinergi.core.registry import policy_allows

# Who reads which entries is the need-to-know policy's (sinergi/cases/policy.py, RECORD_RULES: an agency's
# supervisors and administrators read the entries its users made, the platform administrator every entry). The
# audit trail sits below every app that records into it, so it asks through the registry.
AUDIT_ENTRY = "audit_entry"


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


class AuditEntryQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> AuditEntryQuerySet:
        """The entries `user` may read. The trail is never written through a queryset, so only "view" exists."""
        if action != "view" or not _active(user):
            return self.none()
        if user.is_superuser:
            return self if policy_allows(AUDIT_ENTRY, "view", user) else self.none()
        if user.agency_id is None or not policy_allows(AUDIT_ENTRY, "view", user, "own_agency"):
            return self.none()
        return self.filter(agency_id=user.agency_id)


def can_read_audit(user) -> bool:
    """Whether the audit pages are open to `user` at all (their scope is `AuditEntry.objects.restrict`)."""
    if not _active(user):
        return False
    relation = "none" if user.is_superuser else "own_agency"
    return policy_allows(AUDIT_ENTRY, "view", user, relation)


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
    # Which of the parallel chains the entry was appended to (0 for every entry written before there were several).
    chain = models.PositiveSmallIntegerField(default=0)
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
            # A writer reads its chain's head: the newest entry of one chain.
            models.Index(fields=["chain", "id"], name="audit_chain_id_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
