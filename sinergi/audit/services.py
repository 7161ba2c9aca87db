"""Writing to the audit trail. Every service calls `audit_record` inside its own transaction."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone

from sinergi.audit.models import AuditEntry
from sinergi.core.middleware import current_request_context

GENESIS_HASH = "0" * 64
# Any constant works: it names the one PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 727_100_001


def entry_digest(
    *,
    prev_hash: str,
    at: datetime,
    actor_id: int | None,
    agency_id: int | None,
    action: str,
    object_type: str,
    object_id: str,
    summary: str,
    changes: dict,
    ip_address: str | None,
) -> str:
    payload = json.dumps(
        [
            prev_hash,
            at.isoformat(),
            actor_id,
            agency_id,
            action,
            object_type,
            object_id,
            summary,
            changes,
            ip_address,
        ],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def object_label(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def audit_record(
    *,
    actor,
    action: str,
    obj=None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    changes: dict | None = None,
    agency=None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Appends one entry to the chain. Runs in the caller's transaction, so it is kept only if the change is.

    `summary` and `changes` must not contain personal data: use field names, codes and ids.
    """
    if obj is not None:
        object_type, object_id = object_label(obj)
    if ip_address is None:
        context = current_request_context()
        ip_address = context.ip_address if context else None
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    if agency is None and actor_id is not None:
        agency = getattr(actor, "agency", None)
    agency_id = agency.pk if agency is not None else None
    changes = changes or {}
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
        prev_hash = last or GENESIS_HASH
        at = timezone.now()
        digest = entry_digest(
            prev_hash=prev_hash,
            at=at,
            actor_id=actor_id,
            agency_id=agency_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:300],
            changes=changes,
            ip_address=ip_address,
        )
        return AuditEntry.objects.create(
            at=at,
            actor_id=actor_id,
            actor_label=getattr(actor, "username", "") if actor_id else "",
            agency_id=agency_id,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:300],
            changes=changes,
            ip_address=ip_address,
            prev_hash=prev_hash,
            entry_hash=digest,
        )
