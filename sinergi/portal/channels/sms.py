"""The SMS gateway's webhook: JSON `{"id": "...", "from": "+62...", "text": "..."}`, one message per request
(the shape most Indonesian SMS gateways can be configured to send; see docs/portal.md)."""

from __future__ import annotations

import json

from sinergi.portal.channels.types import Incoming
from sinergi.portal.choices import ReportChannel


class PayloadError(ValueError):
    """The body is not an SMS gateway payload."""


def parse(body: bytes) -> list[Incoming]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PayloadError("not JSON") from exc
    if not isinstance(data, dict):
        raise PayloadError("not an object")
    sender, message_id, text = data.get("from"), data.get("id"), data.get("text")
    if not isinstance(sender, str) or not isinstance(message_id, str | int) or not isinstance(text, str):
        raise PayloadError("from, id and text are required")
    if not sender.strip() or not str(message_id).strip():
        raise PayloadError("from and id are required")
    return [Incoming(ReportChannel.SMS, str(message_id)[:200], sender.strip()[:32], text)]
