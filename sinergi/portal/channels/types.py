from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Incoming:
    """One message from a person, as the gateway delivered it."""

    channel: str
    message_id: str
    sender: str  # the person's number, E.164 digits as the gateway gives them
    text: str  # empty for a photo, a voice note or a sticker
    kind: str = "text"
