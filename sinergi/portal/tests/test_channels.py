"""WhatsApp and SMS webhooks, driven by recorded payloads: signatures verified, a forwarded offer answered with
a Cek Lowongan reply queued in the outbox, LAPOR makes a report, a retried delivery is answered once."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from sinergi.portal.channels import signatures
from sinergi.portal.channels.outbox import outbox_deliver
from sinergi.portal.choices import OutboxStatus
from sinergi.portal.models import OutboxMessage, Report
from sinergi.portal.services import report_by_code

pytestmark = pytest.mark.django_db
PAYLOADS = Path(__file__).parent / "payloads"
APP_SECRET = "contoh-app-secret"
SMS_SECRET = "contoh-sms-secret"


@pytest.fixture(autouse=True)
def _channels(settings):
    settings.SINERGI_PORTAL_WHATSAPP_APP_SECRET = APP_SECRET
    settings.SINERGI_PORTAL_WHATSAPP_VERIFY_TOKEN = "contoh-verify"
    settings.SINERGI_PORTAL_SMS_SECRET = SMS_SECRET


def _whatsapp(client, name, *, secret=APP_SECRET, body=None):
    body = body if body is not None else (PAYLOADS / name).read_bytes()
    signature = "sha256=" + signatures.hmac_hex(secret, body)
    return client.post(
        "/portal/webhooks/whatsapp/",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )


def _sms(client, body: bytes, *, secret=SMS_SECRET, timestamp=None):
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = signatures.hmac_hex(secret, stamp.encode() + b"." + body)
    return client.post(
        "/portal/webhooks/sms/",
        body,
        content_type="application/json",
        HTTP_X_SINERGI_SIGNATURE=signature,
        HTTP_X_SINERGI_TIMESTAMP=stamp,
    )


def test_a_forwarded_offer_gets_a_cek_lowongan_reply_in_the_outbox(client):
    response = _whatsapp(client, "whatsapp_forwarded_offer.json")
    assert response.status_code == 200
    reply = OutboxMessage.objects.get()
    assert reply.recipient == "6281200000001"
    assert reply.status == OutboxStatus.QUEUED
    assert "Risiko tinggi" in reply.body
    assert '"Kamboja"' in reply.body
    assert "110" in reply.body


def test_a_retried_delivery_is_answered_once(client):
    _whatsapp(client, "whatsapp_forwarded_offer.json")
    _whatsapp(client, "whatsapp_forwarded_offer.json")
    assert OutboxMessage.objects.count() == 1


def test_a_bad_signature_is_refused_and_nothing_happens(client):
    response = _whatsapp(client, "whatsapp_forwarded_offer.json", secret="wrong")
    assert response.status_code == 403
    unsigned = client.post(
        "/portal/webhooks/whatsapp/",
        (PAYLOADS / "whatsapp_report.json").read_bytes(),
        content_type="application/json",
    )
    assert unsigned.status_code == 403
    assert not OutboxMessage.objects.exists() and not Report.objects.exists()


def test_lapor_makes_a_report_and_replies_with_its_code(client, bp3mi):
    _whatsapp(client, "whatsapp_report.json")
    reply = OutboxMessage.objects.get().body
    code = reply.split("Kode lacak Anda: ", 1)[1].split()[0]
    report = report_by_code(code)
    assert "Nunukan" in report.what_happened
    assert report.channel == "WHATSAPP"
    body = json.dumps({"id": "sms-2", "from": "+6281200000009", "text": f"STATUS {code}"}).encode()
    _sms(client, body)
    status_reply = OutboxMessage.objects.order_by("-id").first().body
    assert "Status laporan Anda" in status_reply
    assert "Nunukan" not in status_reply


def test_statuses_and_photos_do_not_break_the_webhook(client):
    assert _whatsapp(client, "whatsapp_statuses.json").status_code == 200
    assert not OutboxMessage.objects.exists()
    assert _whatsapp(client, "whatsapp_image.json").status_code == 200
    assert "sebagai teks" in OutboxMessage.objects.get().body


def test_junk_bodies_get_400(client):
    for body in (b"not json", b"[]", b'{"object": "page"}', b"\x00\xff"):
        assert _whatsapp(client, "", body=body).status_code == 400


def test_the_meta_subscription_check(client):
    ok = client.get(
        "/portal/webhooks/whatsapp/",
        {"hub.mode": "subscribe", "hub.verify_token": "contoh-verify", "hub.challenge": "12345"},
    )
    assert ok.status_code == 200 and ok.content == b"12345"
    wrong = client.get(
        "/portal/webhooks/whatsapp/", {"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}
    )
    assert wrong.status_code == 403


def test_an_sms_offer_gets_a_short_reply(client):
    response = _sms(client, (PAYLOADS / "sms_offer.json").read_bytes())
    assert response.status_code == 200
    reply = OutboxMessage.objects.get()
    assert reply.channel == "SMS"
    assert len(reply.body) <= 459
    assert "Risiko" in reply.body or "tanda bahaya" in reply.body


def test_an_old_or_forged_sms_is_refused(client):
    body = (PAYLOADS / "sms_offer.json").read_bytes()
    assert _sms(client, body, timestamp=int(time.time()) - 3600).status_code == 403
    assert _sms(client, body, secret="wrong").status_code == 403
    assert not OutboxMessage.objects.exists()


def test_a_channel_without_its_secret_is_off(client, settings):
    settings.SINERGI_PORTAL_SMS_SECRET = ""
    assert _sms(client, (PAYLOADS / "sms_offer.json").read_bytes()).status_code == 404


def test_the_outbox_is_delivered_through_the_gateway_without_the_network(client, settings):
    settings.SINERGI_PORTAL_WHATSAPP_ACCESS_TOKEN = "token"
    settings.SINERGI_PORTAL_WHATSAPP_PHONE_NUMBER_ID = "200000000000002"
    _whatsapp(client, "whatsapp_forwarded_offer.json")
    calls = []
    assert outbox_deliver(post=lambda url, payload, headers: calls.append((url, payload, headers))) == 1
    url, payload, headers = calls[0]
    assert url.endswith("/200000000000002/messages")
    assert payload["to"] == "6281200000001" and "Risiko" in payload["text"]["body"]
    assert headers["Authorization"] == "Bearer token"
    assert OutboxMessage.objects.get().status == OutboxStatus.SENT


def test_sms_replies_are_signed_for_the_gateway(client, settings):
    settings.SINERGI_PORTAL_SMS_SEND_URL = "https://sms-gateway.example/send"
    _sms(client, (PAYLOADS / "sms_offer.json").read_bytes())
    calls = []
    assert outbox_deliver(post=lambda url, payload, headers: calls.append((url, payload, headers))) == 1
    url, payload, headers = calls[0]
    assert url == "https://sms-gateway.example/send"
    body = json.dumps(payload).encode()
    assert payload["to"] == "+6281200000004"
    assert signatures.sms_signature_ok(
        SMS_SECRET, body, headers["X-Sinergi-Signature"], headers["X-Sinergi-Timestamp"]
    )
