"""Sending outbox events to subscribers: signed (Standard Webhooks: webhook-id, webhook-timestamp,
webhook-signature), one attempt per due delivery, exponential back-off on failure, given up after MAX_ATTEMPTS.

Every attempt of one event carries the same webhook-id (the event id), so a receiver that already has it
ignores a repeat: a sender killed between the receiver's answer and its own bookkeeping sends again, with the
same key. A delivery is claimed for CLAIM_SECONDS before it is sent, so two workers do not send it at once.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from standardwebhooks import Webhook

from sinergi.exchange.choices import DeliveryStatus
from sinergi.exchange.events.payloads import event_payload
from sinergi.exchange.models import Delivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
TIMEOUT_SECONDS = settings.SINERGI_WEBHOOK_TIMEOUT_SECONDS
CLAIM_SECONDS = settings.SINERGI_WEBHOOK_CLAIM_SECONDS
FIRST_RETRY_SECONDS = settings.SINERGI_WEBHOOK_FIRST_RETRY_SECONDS
MAX_RETRY_SECONDS = settings.SINERGI_WEBHOOK_MAX_RETRY_SECONDS


def backoff(attempts: int) -> timedelta:
    """15 s, 30 s, 1 min, 2 min ... up to 6 h between attempts."""
    return timedelta(seconds=min(FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0), MAX_RETRY_SECONDS))


def _claim(delivery_id: int) -> Delivery | None:
    now = timezone.now()
    with transaction.atomic():
        claimed = (
            Delivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .exclude(claimed_until__gt=now)
            .update(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        )
    if not claimed:
        return None
    return Delivery.objects.select_related("event", "subscription", "subscription__system_user").get(
        pk=delivery_id
    )


def send(delivery: Delivery) -> tuple[int | None, str]:
    """One signed POST; the receiver's status code (None if it never answered) and a short error."""
    body = event_payload(delivery.event, delivery.subscription.system_user)
    if body is None:
        return -1, ""
    payload = json.dumps(body, separators=(",", ":"), sort_keys=True)
    now = timezone.now()
    signature = Webhook(delivery.subscription.secret).sign(delivery.event.event_id, now, payload)
    request = urllib.request.Request(  # noqa: S310 - the subscription's configured https or http URL
        delivery.subscription.endpoint_url,
        data=payload.encode(),
        method="POST",
        headers={
            "content-type": "application/json",
            "webhook-id": delivery.event.event_id,
            "webhook-timestamp": str(int(now.timestamp())),
            "webhook-signature": signature,
            "user-agent": "Sinergi-Webhooks/1",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - configured URL
            return response.status, ""
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        return None, type(getattr(exc, "reason", exc)).__name__[:200]


def attempt(delivery_id: int) -> str | None:
    """Tries one due delivery; returns its new status, or None if it was not due or someone else has it."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    code, error = send(delivery)
    now = timezone.now()
    fields = {
        "claimed_until": None,
        "attempts": delivery.attempts + 1,
        "last_status_code": code,
        "last_error": error,
    }
    if code == -1:
        fields.update(status=DeliveryStatus.WITHHELD, last_status_code=None)
    elif code is not None and 200 <= code < 300:
        fields.update(status=DeliveryStatus.DELIVERED, delivered_at=now)
    elif delivery.attempts + 1 >= MAX_ATTEMPTS:
        fields.update(status=DeliveryStatus.DEAD)
    else:
        fields.update(next_attempt_at=now + backoff(delivery.attempts + 1))
    Delivery.objects.filter(pk=delivery.pk).update(**fields)
    if code is None or code >= 300:
        logger.info("delivery %s failed (%s), attempt %s", delivery.pk, error or code, delivery.attempts + 1)
    return fields.get("status", DeliveryStatus.PENDING)


def deliver_due(*, limit: int = 200, event_pk: int | None = None) -> int:
    """Attempts the deliveries that are due (of one event, or all); returns how many were attempted."""
    due = Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=timezone.now())
    if event_pk is not None:
        due = due.filter(event_id=event_pk)
    done = 0
    for delivery_id in list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]):
        if attempt(delivery_id) is not None:
            done += 1
    return done
