"""Webhooks of the messaging gateways. Each checks the signature over the raw body before reading it, answers
every message with a reply queued in the outbox, and returns at once (the worker sends the replies)."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from sinergi.portal.channels import signatures, sms, whatsapp
from sinergi.portal.channels.conversation import reply_to
from sinergi.portal.services import message_seen, outbox_queue

logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 256 * 1024


def _handle(messages) -> int:
    answered = 0
    for message in messages:
        if message_seen(channel=message.channel, message_id=message.message_id):
            continue  # the gateway retried a delivery we already answered
        outbox_queue(channel=message.channel, recipient=message.sender, body=reply_to(message))
        answered += 1
    if answered:
        transaction.on_commit(_enqueue_send)
    return answered


def _enqueue_send() -> None:
    from sinergi.portal.tasks import send_outbox

    send_outbox.enqueue()


def _text(body: str, status: int = 200) -> HttpResponse:
    return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_webhook(request):
    secret = getattr(settings, "SINERGI_PORTAL_WHATSAPP_APP_SECRET", "")
    verify_token = getattr(settings, "SINERGI_PORTAL_WHATSAPP_VERIFY_TOKEN", "")
    if request.method == "GET" and request.GET.get("hub.mode") != "subscribe":
        # Only Meta's subscription check is a GET; this address is not a page.
        return HttpResponse(status=405, headers={"Allow": "POST"})
    if not secret:
        raise Http404  # the channel is not configured on this installation
    if request.method == "GET":
        if verify_token and request.GET.get("hub.verify_token") == verify_token:
            return _text(request.GET.get("hub.challenge", "")[:200])
        return HttpResponseForbidden()
    body = request.body[: MAX_BODY_BYTES + 1]
    if len(body) > MAX_BODY_BYTES:
        return _text("too large", 413)
    if not signatures.whatsapp_signature_ok(secret, body, request.headers.get("X-Hub-Signature-256")):
        logger.warning("portal whatsapp webhook: bad signature")
        return HttpResponseForbidden()
    try:
        messages = whatsapp.parse(body)
    except whatsapp.PayloadError:
        return _text("bad payload", 400)
    answered = _handle(messages)
    logger.info("portal whatsapp webhook: %d messages, %d answered", len(messages), answered)
    return _text("ok")


@csrf_exempt
@require_http_methods(["POST"])
def sms_webhook(request):
    secret = getattr(settings, "SINERGI_PORTAL_SMS_SECRET", "")
    if not secret:
        raise Http404
    body = request.body[: MAX_BODY_BYTES + 1]
    if len(body) > MAX_BODY_BYTES:
        return _text("too large", 413)
    if not signatures.sms_signature_ok(
        secret, body, request.headers.get("X-Sinergi-Signature"), request.headers.get("X-Sinergi-Timestamp")
    ):
        logger.warning("portal sms webhook: bad signature")
        return HttpResponseForbidden()
    try:
        messages = sms.parse(body)
    except sms.PayloadError:
        return _text("bad payload", 400)
    _handle(messages)
    return _text("ok")
