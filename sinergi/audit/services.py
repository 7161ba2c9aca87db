"""Writing to the audit trail. Every service calls `audit_record` inside its own transaction."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import random
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import cache
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from sinergi.audit import listeners
from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.core.bulk import bulk_insert, new_instance
from sinergi.core.crypto import blind_index
from sinergi.core.middleware import current_request_context

GENESIS_HASH = "0" * 64
# Any constant works: chain n's appends take turns on PostgreSQL advisory lock _CHAIN_LOCK_KEY + n.
_CHAIN_LOCK_KEY = 727_100_001

# Every stored column except the primary key and the digest itself. A test fails when a column is added to
# AuditEntry without being added here, so no stored value can be altered without breaking the chain.
HASHED_FIELDS = (
    "chain",
    "prev_hash",
    "at",
    "actor_id",
    "actor_label",
    "agency_id",
    "action",
    "object_type",
    "object_id",
    "summary",
    "changes",
    "ip_address",
)


def canonical_ip(value: str | None) -> str | None:
    """One spelling per address, whatever form the database returns (PostgreSQL `inet` reformats IPv6)."""
    if not value:
        return None
    try:
        return ipaddress.ip_address(str(value).strip()).compressed
    except ValueError:
        return None


def canonical_json(value: Any) -> Any:
    """JSON with one spelling per number: PostgreSQL's jsonb gives 1e20 back as 100000000000000000000."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: canonical_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [canonical_json(item) for item in value]
    return value


def canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@cache
def chain_genesis(chain: int) -> str:
    """The `prev_hash` of a chain's first entry: chain 0 keeps the zeros it always had, the others start from a
    value of their own (prev_hash is unique, so no two chains may start from the same one)."""
    if chain == 0:
        return GENESIS_HASH
    return hashlib.sha256(f"sinergi-audit-chain-{chain}".encode()).hexdigest()


def entry_digest(values: dict[str, Any]) -> str:
    """SHA-256 over the stored content of one entry, given as a mapping with every name in HASHED_FIELDS.

    The chain number is hashed only when it is not 0, so the entries written before there were several chains
    (all in chain 0) keep their digests; moving an entry to another chain changes its digest either way.
    """
    payload = [
        values["prev_hash"],
        canonical_time(values["at"]),
        values["actor_id"],
        values["actor_label"],
        values["agency_id"],
        values["action"],
        values["object_type"],
        values["object_id"],
        values["summary"],
        canonical_json(values["changes"]),
        canonical_ip(values["ip_address"]),
    ]
    if values["chain"]:
        payload.append(values["chain"])
    text = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def object_label(obj: Any) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


def _chain_count() -> int:
    return max(1, int(getattr(settings, "SINERGI_AUDIT_CHAINS", 1)))


def _lock_chain() -> int:
    """Takes one chain for this transaction and returns its number: appends to one chain take turns, so two
    transactions never link to the same predecessor (a fork), while appends to different chains run side by side.

    The lock is held until the surrounding transaction ends: the next writer of that chain then reads the
    committed head. On PostgreSQL a writer takes the first free chain, trying first the one its connection took
    last (still held if this transaction already appended, so one transaction stays on one chain and never
    waits for a second lock while holding one); only when every chain is busy does it wait, for that one.
    SQLite has one writer at a time anyway: one chain.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            count = _chain_count()
            preferred = getattr(connection, "_sinergi_audit_chain", None)
            if preferred is None or preferred >= count:
                preferred = random.randrange(count)  # spreads the writers over the chains
            for step in range(count):
                chain = (preferred + step) % count
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY + chain])
                if cursor.fetchone()[0]:
                    break
            else:
                chain = preferred
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY + chain])
            connection._sinergi_audit_chain = chain  # type: ignore[attr-defined]
            return chain
        if connection.vendor == "sqlite":
            # A write statement takes SQLite's database write lock now, before the head is read; a plain read
            # would leave two transactions reading the same head and the second failing at its insert.
            cursor.execute(f"UPDATE {AuditEntry._meta.db_table} SET id = id WHERE id = -1")  # noqa: S608
        return 0


def _chain_head(chain: int) -> str:
    # Plain SQL: every audited request reads a head, and compiling this through the ORM cost more than running it.
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT entry_hash FROM {table} WHERE chain = %s ORDER BY id DESC LIMIT 1",  # noqa: S608 (the model's own table)
            [chain],
        )
        last = cursor.fetchone()
    return last[0] if last else chain_genesis(chain)


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: Any = None,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    changes: dict[str, Any] | None = None,
    agency: Any = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Appends one entry to the chain. Runs in the caller's transaction, so it is kept only if the change is.

    `summary` and `changes` must not contain personal data: use field names, codes and ids. The request's
    client address is taken from the request context when not given.
    """
    if obj is not None:
        object_type, object_id = object_label(obj)
    if ip_address is None:
        context = current_request_context()
        ip_address = context.ip_address if context else None
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    if agency is None and actor_id is not None:
        agency = getattr(actor, "agency", None)
    # Stored exactly as hashed: JSON round-trip (dates, UUIDs, Decimals become strings), fields cut to size.
    values: dict[str, Any] = {
        "actor_id": actor_id,
        "actor_label": (getattr(actor, "username", "") if actor_id else "")[:150],
        "agency_id": agency.pk if agency is not None else None,
        "action": action,
        "object_type": str(object_type)[:60],
        "object_id": str(object_id)[:64],
        "summary": str(summary)[:300],
        "changes": json.loads(json.dumps(changes or {}, cls=DjangoJSONEncoder)),
        "ip_address": canonical_ip(ip_address),
    }
    with transaction.atomic():
        values["chain"] = _lock_chain()
        values["prev_hash"] = _chain_head(values["chain"])
        values["at"] = timezone.now()
        entry = AuditEntry.objects.create(**values, entry_hash=entry_digest(values))
        listeners.notify(entry)
        return entry


def audit_record_many(
    *,
    actor: Any,
    action: str,
    objects: list[Any],
    summary: str,
    changes: list[dict[str, Any]],
) -> list[AuditEntry]:
    """One entry per object, as `audit_record` would append them one after another, in one COPY: a bulk
    service (a spreadsheet import) keeps one entry per record without paying a lock and a head read for each.

    Runs in the caller's transaction; the listeners are told of every entry, in order.
    """
    if len(objects) != len(changes):
        raise ValueError("one changes dict per object")
    if not objects:
        return []
    context = current_request_context()
    ip_address = canonical_ip(context.ip_address if context else None)
    actor_id = actor.pk if actor is not None and getattr(actor, "pk", None) else None
    agency = getattr(actor, "agency", None) if actor_id is not None else None
    common: dict[str, Any] = {
        "actor_id": actor_id,
        "actor_label": (getattr(actor, "username", "") if actor_id else "")[:150],
        "agency_id": agency.pk if agency is not None else None,
        "action": action,
        "summary": str(summary)[:300],
        "ip_address": ip_address,
    }
    with transaction.atomic():
        chain = _lock_chain()
        previous = _chain_head(chain)
        entries = []
        for obj, change in zip(objects, changes, strict=True):
            object_type, object_id = object_label(obj)
            values = {
                **common,
                "object_type": str(object_type)[:60],
                "object_id": str(object_id)[:64],
                "changes": json.loads(json.dumps(change or {}, cls=DjangoJSONEncoder)),
                "chain": chain,
                "prev_hash": previous,
                "at": timezone.now(),
            }
            previous = entry_digest(values)
            entries.append(new_instance(AuditEntry, **values, entry_hash=previous))
        created = bulk_insert(entries)
        for entry in created:
            listeners.notify(entry)
        return created


def audit_read(
    *,
    actor: Any,
    object_type: str,
    summary: str,
    count: int,
    object_id: str = "",
    searched: Mapping[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEntry:
    """The one entry of a request that returned records holding case or person data: a list, a search, or one
    record (`object_id`) read through a generic endpoint.

    It holds how many records came back and, when something was searched or filtered, which kinds of value and
    a keyed hash of the values: the same search is recognisable in the trail, never readable from it.
    `searched` is a mapping or a request's QueryDict (every value of a key); empty values and the page asked
    for are not part of the search. `extra` adds codes that are not personal data (a role, a flag)."""
    values = searched or {}
    if hasattr(values, "getlist"):
        values = {key: values.getlist(key) for key in values}
    asked = {
        key: value
        for key, value in values.items()
        if key not in _PAGING and value not in (None, "", [], (), [""])
    }
    changes: dict[str, Any] = {"count": count}
    if asked:
        canonical = "&".join(f"{key}={_search_value(value)}" for key, value in sorted(asked.items()))
        changes["kinds"] = sorted(asked)
        changes["query_hash"] = blind_index(canonical, purpose=f"audit:{object_type}")
    changes.update(extra or {})
    return audit_record(
        actor=actor,
        action=AuditAction.VIEW,
        object_type=object_type,
        object_id=object_id,
        summary=summary,
        changes=changes,
    )


# What a list's address or body may carry besides the search: which page, and the form's CSRF token.
_PAGING = frozenset({"page", "page_size", "csrfmiddlewaretoken"})


def _search_value(value: Any) -> str:
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(sorted(_search_value(item) for item in value))
    return str(getattr(value, "pk", value))
