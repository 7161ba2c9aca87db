"""Delivers queued replies through the gateways. Run by the background worker (tasks.send_outbox), never in
a request; a gateway that is not configured leaves its messages queued."""

from __future__ import annotations

import json
import time
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from sinergi.portal.choices import OutboxStatus, ReportChannel
from sinergi.portal.models import OutboxMessage

BATCH = 100
GRAPH_URL = "https://graph.facebook.com/v21.0/{phone_number_id}/messages"


def _post_json(url: str, payload: dict, headers: dict) -> None:
    request = urllib.request.Request(  # noqa: S310 (a configured https gateway)
        url, data=json.dumps(payload).encode("utf-8"), headers={"Content-Type": "application/json", **headers}
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
        response.read()


def _whatsapp_send(message: OutboxMessage, post=_post_json) -> bool:
    token = getattr(settings, "SINERGI_PORTAL_WHATSAPP_ACCESS_TOKEN", "")
    phone_number_id = getattr(settings, "SINERGI_PORTAL_WHATSAPP_PHONE_NUMBER_ID", "")
    if not token or not phone_number_id:
        return False
    payload = {
        "messaging_product": "whatsapp",
        "to": message.recipient,
        "type": "text",
        "text": {"body": message.body},
    }
    post(GRAPH_URL.format(phone_number_id=phone_number_id), payload, {"Authorization": f"Bearer {token}"})
    return True


def _sms_send(message: OutboxMessage, post=_post_json) -> bool:
    url = getattr(settings, "SINERGI_PORTAL_SMS_SEND_URL", "")
    if not url:
        return False
    from sinergi.portal.channels.signatures import hmac_hex

    payload = {"to": message.recipient, "text": message.body}
    body = json.dumps(payload).encode("utf-8")  # the bytes _post_json sends
    secret = getattr(settings, "SINERGI_PORTAL_SMS_SECRET", "")
    stamp = str(int(time.time()))
    headers = {
        "X-Sinergi-Timestamp": stamp,
        "X-Sinergi-Signature": hmac_hex(secret, f"{stamp}.".encode() + body),
    }
    post(url, payload, headers if secret else {})
    return True


SENDERS = {ReportChannel.WHATSAPP: _whatsapp_send, ReportChannel.SMS: _sms_send}


def outbox_deliver(*, post=_post_json) -> int:
    """Sends up to BATCH queued messages, oldest first; each is claimed before sending, so two workers never
    send the same reply. `post` is the HTTP call (tests give their own)."""
    sent = 0
    for message_id in OutboxMessage.objects.filter(status=OutboxStatus.QUEUED).values_list("pk", flat=True)[
        :BATCH
    ]:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True)
                .filter(pk=message_id, status=OutboxStatus.QUEUED)
                .first()
            )
            if message is None:
                continue
            try:
                delivered = SENDERS[message.channel](message, post=post)
            except OSError:
                message.status = OutboxStatus.FAILED
                message.save(update_fields=["status"])
                continue
            if delivered:
                message.status, message.sent_at = OutboxStatus.SENT, timezone.now()
                message.save(update_fields=["status", "sent_at"])
                sent += 1
    return sent
