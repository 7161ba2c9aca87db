"""Reads of the audit trail: the filtered list a reader may see, and the integrity check of the chain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.services import GENESIS_HASH, HASHED_FIELDS, chain_genesis, entry_digest


def audit_entry_list(*, user: Any, filters: dict[str, Any] | None = None) -> QuerySet[AuditEntry]:
    """The entries `user` may read, newest first, narrowed by the audit filter set (see filtersets.py)."""
    from sinergi.audit.filtersets import AuditEntryFilterSet

    queryset = AuditEntry.objects.restrict(user, "view").select_related("agency").order_by("-id")
    if filters:
        filterset = AuditEntryFilterSet(filters, queryset=queryset, request=None, user=user)  # type: ignore[no-untyped-call]  # django-filter has no types
        if filterset.is_valid():
            queryset = filterset.qs
    return queryset


@dataclass(frozen=True)
class EntryGroup:
    """Entries that follow one another in the trail: one change, or a run of the same user's views of the
    same record (or list) with the same summary, shown as one line so that the changes between them stand out."""

    entries: tuple[AuditEntry, ...]

    @property
    def entry(self) -> AuditEntry:
        return self.entries[0]

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def first_at(self) -> Any:
        return self.entries[-1].at


def _repeat_key(entry: AuditEntry) -> tuple[Any, ...] | None:
    if entry.action != AuditAction.VIEW:
        return None
    return (entry.actor_id, entry.actor_label, entry.object_type, entry.object_id, entry.summary)


def audit_entries_grouped(entries: Any) -> list[EntryGroup]:
    """`entries` (in the order shown) with each run of repeated views folded into one group; every entry is
    still in its group, nothing is left out."""
    groups: list[list[AuditEntry]] = []
    previous: tuple[Any, ...] | None = None
    for entry in entries:
        key = _repeat_key(entry)
        if key is not None and key == previous:
            groups[-1].append(entry)
        else:
            groups.append([entry])
        previous = key
    return [EntryGroup(entries=tuple(group)) for group in groups]


def record_type_label(object_type: str) -> str:
    """The readable name of a record type stored as "app.model" ("people.person" -> "person")."""
    from sinergi.audit.summaries import RECORD_TYPES

    if object_type in RECORD_TYPES:
        return str(RECORD_TYPES[object_type])
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


@dataclass(frozen=True)
class ChainReport:
    """The outcome of `audit_chain_verify`: intact, or the first broken link and what is wrong with it.

    `heads` maps each chain that holds entries (and chain 0 always) to its newest entry's hash, as far as
    verified; `head` is chain 0's.
    """

    count: int
    heads: dict[int, str]
    broken_id: int | None = None
    problem: str = ""  # "altered", "broken_link" or "missing"
    detail: str = ""

    @property
    def intact(self) -> bool:
        return self.broken_id is None

    @property
    def head(self) -> str:
        return self.heads[0]


def audit_chain_verify(
    *, chunk_size: int = 5000, observe: Callable[[int, int, str], None] | None = None
) -> ChainReport:
    """Recomputes every entry's digest in order and checks each links to the one before it in its chain.

    Stops at the first problem, which is one of:
    - "altered": the stored content no longer matches the entry's own hash (someone edited a column, the chain
      number included);
    - "missing": the entry points to a predecessor that is not in the trail: the entry before it was deleted,
      or rewritten with a new hash;
    - "broken_link": the entry points to another entry than the one before it in its chain (rows reordered, or
      moved between chains: prev_hash is unique, so two entries can never follow the same one).
    Deleting the newest entries leaves shorter chains that are still intact: the signed checkpoints
    (checkpoints.py) catch that. `observe(id, chain, entry_hash)` is shown each entry as it is read, so that the
    checkpoints are compared in the same pass (checkpoint_history.py).
    """
    rows = AuditEntry.objects.order_by("id").values("id", "entry_hash", *HASHED_FIELDS)
    heads: dict[int, str] = {0: GENESIS_HASH}
    previous_ids: dict[int, int] = {}
    count = 0
    for row in rows.iterator(chunk_size=chunk_size):
        chain = row["chain"]
        if observe is not None:
            observe(row["id"], chain, row["entry_hash"])
        expected = heads.get(chain) or chain_genesis(chain)
        if entry_digest(row) != row["entry_hash"]:
            return ChainReport(
                count=count,
                heads=heads,
                broken_id=row["id"],
                problem="altered",
                detail="stored content does not match the entry's hash",
            )
        if row["prev_hash"] != expected:
            exists = AuditEntry.objects.filter(entry_hash=row["prev_hash"]).exists()
            previous_id = previous_ids.get(chain)
            after = f"entry {previous_id}" if previous_id is not None else "the start of the chain"
            if not exists:
                return ChainReport(
                    count=count,
                    heads=heads,
                    broken_id=row["id"],
                    problem="missing",
                    detail=(
                        f"the entry it follows is not in the trail: an entry after {after} "
                        "was deleted or rewritten"
                    ),
                )
            return ChainReport(
                count=count,
                heads=heads,
                broken_id=row["id"],
                problem="broken_link",
                detail=f"it does not link to {after}",
            )
        heads[chain], previous_ids[chain] = row["entry_hash"], row["id"]
        count += 1
    return ChainReport(count=count, heads=heads)
