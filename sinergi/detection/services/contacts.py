"""Contacts (phone numbers, WhatsApp links, handles, e-mail addresses) found in screened posts: extracting
them from the engine's fields, storing them with their blind index, and recounting their sightings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce

from sinergi.core import crypto
from sinergi.detection.choices import ContactKind
from sinergi.detection.models import Contact, PostContact, ScreenedPost
from sinergi.detection.services._common import _chunks, _Prepared
from sinergi.people.identifiers import InvalidPhoneNumber, normalise_phone, phone_index


def _contacts_of(extracted: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, normalised value, blind index) of every contact in the engine's extracted fields."""
    found: dict[tuple[str, str], str] = {}

    def add_phone(kind: str, raw: str) -> None:
        try:
            e164 = normalise_phone(raw)
        except InvalidPhoneNumber:
            return
        found[(kind, e164)] = phone_index(e164)

    for raw in extracted.get("phones") or []:
        add_phone(ContactKind.PHONE, str(raw))
    for raw in extracted.get("wa_links") or []:
        digits = "".join(ch for ch in str(raw).rsplit("/", 1)[-1].split("?")[0] if ch.isdigit())
        if digits:
            add_phone(ContactKind.WHATSAPP, "+" + digits if not digits.startswith("0") else digits)
    for kind, key in (
        (ContactKind.TELEGRAM, "telegram_handles"),
        (ContactKind.HANDLE, "other_handles"),
        (ContactKind.EMAIL, "emails"),
    ):
        for raw in extracted.get(key) or []:
            value = str(raw).strip().lower()
            if kind != ContactKind.EMAIL:
                value = value.lstrip("@")
            if value and len(value) <= 200:
                found[(kind, value)] = crypto.blind_index(f"{kind}:{value}", purpose="contact")
    return [(kind, value, index) for (kind, value), index in found.items()]


def _store_contacts(posts: list[ScreenedPost], prepared: list[_Prepared], now: datetime) -> int:
    wanted: dict[tuple[str, str], str] = {}
    for p in prepared:
        for kind, value, index in p.contacts:
            wanted[(kind, index)] = value
    if not wanted:
        return 0
    existing: dict[tuple[str, str], int] = {}
    for chunk in _chunks(sorted({index for _kind, index in wanted})):
        for kind, index, pk in Contact.objects.filter(value_index__in=chunk).values_list(
            "kind", "value_index", "id"
        ):
            existing[(kind, index)] = pk
    missing = [
        Contact(kind=kind, value=wanted[(kind, index)], value_index=index, first_seen=now, last_seen=now)
        for (kind, index) in wanted
        if (kind, index) not in existing
    ]
    Contact.objects.bulk_create(missing, ignore_conflicts=True)
    for chunk in _chunks(sorted({index for _kind, index in wanted})):
        for kind, index, pk in Contact.objects.filter(value_index__in=chunk).values_list(
            "kind", "value_index", "id"
        ):
            existing[(kind, index)] = pk
    links = {
        (post.pk, existing[(kind, index)])
        for post, p in zip(posts, prepared, strict=True)
        for kind, _value, index in p.contacts
    }
    PostContact.objects.bulk_create(
        [PostContact(post_id=post_id, contact_id=contact_id) for post_id, contact_id in links],
        batch_size=2000,
        ignore_conflicts=True,
    )
    contact_ids = sorted({contact_id for _post_id, contact_id in links})
    contact_refresh(contact_ids=contact_ids)
    return len(contact_ids)


def contact_refresh(*, contact_ids: list[int]) -> None:
    """Recounts posts and first/last sighting of contacts (called inside the storing transaction)."""
    seen = Coalesce("posts__posted_at", "posts__received_at")
    for chunk in _chunks(contact_ids):
        rows = Contact.objects.filter(id__in=chunk).annotate(
            n=Count("posts", distinct=True), first=Min(seen), last=Max(seen)
        )
        updated = []
        for contact in rows:
            contact.post_count, contact.first_seen, contact.last_seen = contact.n, contact.first, contact.last
            updated.append(contact)
        Contact.objects.bulk_update(updated, ["post_count", "first_seen", "last_seen"])
