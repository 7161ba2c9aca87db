"""Signed checkpoints of the audit chain's head, kept outside the database (issue 14 point 5).

The hash chain shows an edited or removed entry in the middle, but not a cut tail (the shorter chain is still
intact) nor a chain rebuilt from scratch by someone who holds the owner's password. A checkpoint is the head of every chain
(decision 0014: per chain its newest entry's id, its hash and the chain's number of entries), all signed together
with HMAC-SHA256 under
SINERGI_AUDIT_CHECKPOINT_KEY, a key that the database never sees, appended as one JSON line to
SINERGI_AUDIT_CHECKPOINT_FILE (point it at another machine's disk, or ship the file: whoever can rewrite the
database cannot sign a new line). `manage.py audit_checkpoint` writes one (run it every few minutes from cron or
a systemd timer); `manage.py audit_verify` checks the chain against the latest one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from sinergi.audit.models import AuditEntry

FORMAT = 2  # 1: one chain, its head at the top level (still read: the lines written before decision 0014)


class CheckpointKeyMissing(Exception):
    """SINERGI_AUDIT_CHECKPOINT_KEY is not set: nothing can be signed or checked."""


@dataclass(frozen=True)
class ChainHead:
    chain: int
    last_id: int
    head: str
    count: int


@dataclass(frozen=True)
class Checkpoint:
    at: str
    heads: tuple[ChainHead, ...]
    format: int = FORMAT

    @property
    def last_id(self) -> int:
        return max((head.last_id for head in self.heads), default=0)

    @property
    def count(self) -> int:
        return sum(head.count for head in self.heads)

    def payload(self) -> bytes:
        fields: dict = {"format": self.format, "at": self.at}
        if self.format == 1:
            only = self.heads[0] if self.heads else ChainHead(0, 0, "", 0)
            fields.update({"last_id": only.last_id, "head": only.head, "count": only.count})
        else:
            fields["heads"] = [[h.chain, h.last_id, h.head, h.count] for h in self.heads]
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()

    @classmethod
    def from_line(cls, raw: dict) -> Checkpoint:
        """A checkpoint as written to the file (KeyError, TypeError or ValueError when it is not one)."""
        if int(raw["format"]) == 1:
            head = ChainHead(0, int(raw["last_id"]), str(raw["head"]), int(raw["count"]))
            return cls(at=str(raw["at"]), heads=(head,) if head.last_id else (), format=1)
        heads = tuple(
            ChainHead(int(chain), int(last_id), str(head), int(count))
            for chain, last_id, head, count in raw["heads"]
        )
        return cls(at=str(raw["at"]), heads=heads, format=int(raw["format"]))


def _key() -> bytes:
    key = getattr(settings, "SINERGI_AUDIT_CHECKPOINT_KEY", "")
    if not key:
        raise CheckpointKeyMissing("set SINERGI_AUDIT_CHECKPOINT_KEY to sign and check audit checkpoints")
    return key.encode()


def _sign(checkpoint: Checkpoint) -> str:
    return hmac.new(_key(), checkpoint.payload(), hashlib.sha256).hexdigest()


def _path() -> Path:
    return Path(settings.SINERGI_AUDIT_CHECKPOINT_FILE)


def _current_heads() -> tuple[ChainHead, ...]:
    """Every chain's newest entry and size, read in one statement (one snapshot: a chain's entries commit in
    the order of their ids, so its count is that of the entries up to its newest)."""
    per_chain = list(
        AuditEntry.objects.values("chain").annotate(last_id=Max("id"), count=Count("id")).order_by("chain")
    )
    hashes = dict(
        AuditEntry.objects.filter(pk__in=[row["last_id"] for row in per_chain]).values_list(
            "id", "entry_hash"
        )
    )
    return tuple(
        ChainHead(row["chain"], row["last_id"], hashes[row["last_id"]], row["count"]) for row in per_chain
    )


def audit_checkpoint_write() -> Checkpoint:
    """Signs every chain's current head and appends them, as one line, to the checkpoint file (flushed to disk)."""
    checkpoint = Checkpoint(at=timezone.now().isoformat(), heads=_current_heads())
    line = json.dumps({**json.loads(checkpoint.payload()), "hmac": _sign(checkpoint)}) + "\n"
    path = _path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


@dataclass(frozen=True)
class CheckpointReport:
    """How the chain compares with the latest validly signed checkpoint."""

    checkpoint: Checkpoint | None
    problem: str = ""  # "", "no_checkpoint", "bad_signature", "cut", "rebuilt"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.problem == ""


def _latest_line() -> dict | None:
    path = _path()
    if not path.exists():
        return None
    last = None
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                last = line
    return json.loads(last) if last else None


def audit_checkpoint_check() -> CheckpointReport:
    """Compares the trail with the latest checkpoint: the head it names for each chain must still be there,
    with its hash, and as many entries of that chain up to it.

    - "cut": such an entry is gone (entries were removed from the end of a chain since the checkpoint);
    - "rebuilt": an entry with that id exists but with another hash or in another chain, or fewer entries of
      its chain lead up to it (the chain was written again);
    - "bad_signature": the latest line was not signed with the key (the file itself was edited).
    """
    _key()  # without the key nothing can be checked: say so before looking for a file
    try:
        raw = _latest_line()
    except (OSError, ValueError) as error:
        return CheckpointReport(None, "bad_signature", f"checkpoint file unreadable: {error}")
    if raw is None:
        return CheckpointReport(None, "no_checkpoint", f"no checkpoint in {_path()}")
    try:
        checkpoint: Checkpoint | None = Checkpoint.from_line(raw)
        signed = hmac.compare_digest(_sign(checkpoint), str(raw.get("hmac", "")))  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError):
        signed, checkpoint = False, None
    if not signed or checkpoint is None:
        return CheckpointReport(
            checkpoint, "bad_signature", "the latest checkpoint's signature does not match"
        )
    for head in checkpoint.heads:
        entry = AuditEntry.objects.filter(pk=head.last_id).values("entry_hash", "chain").first()
        if entry is None:
            return CheckpointReport(
                checkpoint,
                "cut",
                f"entry {head.last_id}, the head of chain {head.chain} at checkpoint {checkpoint.at}, is gone: "
                "the trail was cut",
            )
        up_to = AuditEntry.objects.filter(chain=head.chain, pk__lte=head.last_id).count()
        if entry["entry_hash"] != head.head or entry["chain"] != head.chain or up_to != head.count:
            return CheckpointReport(
                checkpoint,
                "rebuilt",
                f"entry {head.last_id} no longer has the hash signed at checkpoint {checkpoint.at} for chain "
                f"{head.chain}, or the entries up to it changed in number ({up_to} now, {head.count} then): "
                "the chain was rebuilt",
            )
    return CheckpointReport(checkpoint)
