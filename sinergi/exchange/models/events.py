"""Events to other agencies' systems: the subscriptions, the transactional outbox, and one delivery per
subscriber and event (signed per the Standard Webhooks specification, retried with back-off)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.fields import EncryptedTextField
from sinergi.exchange.choices import DeliveryStatus, EventType


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def restrict(self, user, action: str = "view") -> SubscriptionQuerySet:
        """An agency's administrators see and manage their agency's subscriptions; platform administrators
        see every agency's and manage them too (they set up the integrations)."""
        from sinergi.exchange.events.access import may_manage_subscriptions

        if getattr(user, "is_superuser", False) and user.is_active:
            return self
        if not may_manage_subscriptions(user):
            return self.none()
        return self.filter(agency_id=user.agency_id)


class Subscription(models.Model):
    """An agency's system that receives events at `endpoint_url`. Events are built through the eyes of
    `system_user` (an integrated-system user of that agency): it receives only what it may see."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    system_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("integrated system"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=120)
    endpoint_url = models.URLField(_("endpoint"), max_length=500)
    secret = EncryptedTextField(help_text="whsec_… signing secret (Standard Webhooks).")
    event_types = models.JSONField(_("events"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["agency_id", "name", "id"]
        verbose_name = _("subscription")

    def __str__(self) -> str:
        return self.name


class OutboxEvent(models.Model):
    """One event, written in the same transaction as the change it reports. Its id is the offset a receiver
    replays from; `event_id` is the idempotency key every delivery of it carries (webhook-id)."""

    event_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=30, choices=EventType.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    case_id = models.PositiveBigIntegerField(null=True, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The agency whose action it was.",
    )
    audit_entry_id = models.PositiveBigIntegerField()
    data = models.JSONField(default=dict, blank=True, help_text="Codes and ids only, never personal data.")
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"


class Delivery(models.Model):
    """The delivery of one event to one subscription: tried until the receiver answers 2xx, with back-off."""

    event = models.ForeignKey(OutboxEvent, on_delete=models.CASCADE, related_name="deliveries")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["event", "subscription"], name="delivery_once")]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due_idx")]

    def __str__(self) -> str:
        return f"delivery {self.pk}: {self.status}"
