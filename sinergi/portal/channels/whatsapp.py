"""The WhatsApp Business Cloud API webhook payload (Meta Graph API, `whatsapp_business_account` object)."""

from __future__ import annotations

import json

from sinergi.portal.channels.types import Incoming
from sinergi.portal.choices import ReportChannel

MAX_MESSAGES = 50


class PayloadError(ValueError):
    """The body is not a WhatsApp webhook payload."""


def parse(body: bytes) -> list[Incoming]:
    """Messages from a webhook body; delivery and read statuses (no `messages`) give an empty list."""
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError("not JSON") from exc
    if not isinstance(data, dict) or data.get("object") != "whatsapp_business_account":
        raise PayloadError("not a WhatsApp Business payload")
    found: list[Incoming] = []
    for entry in _list(data.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            value = _dict(_dict(change).get("value"))
            for message in _list(value.get("messages")):
                message = _dict(message)
                sender, message_id = str(message.get("from") or ""), str(message.get("id") or "")
                if not sender or not message_id:
                    continue
                kind = str(message.get("type") or "")
                text = ""
                if kind == "text":
                    text = str(_dict(message.get("text")).get("body") or "")
                elif kind in ("image", "document", "video"):
                    text = str(_dict(message.get(kind)).get("caption") or "")
                found.append(Incoming(ReportChannel.WHATSAPP, message_id[:200], sender[:32], text, kind))
                if len(found) >= MAX_MESSAGES:
                    return found
    return found


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}
