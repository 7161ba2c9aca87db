"""Signed checkpoints of the audit chain's head, kept outside the database (issue 14 point 5).

The hash chain shows an edited or removed entry in the middle, but not a cut tail (the shorter chain is still
intact) nor a chain rebuilt from scratch by someone who holds the owner's password. A checkpoint is the head
(the newest entry's id, its hash and the number of entries) signed with HMAC-SHA256 under
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
from django.utils import timezone

from sinergi.audit.models import AuditEntry

FORMAT = 1


class CheckpointKeyMissing(Exception):
    """SINERGI_AUDIT_CHECKPOINT_KEY is not set: nothing can be signed or checked."""


@dataclass(frozen=True)
class Checkpoint:
    at: str
    last_id: int
    head: str
    count: int

    def payload(self) -> bytes:
        fields = {
            "format": FORMAT,
            "at": self.at,
            "last_id": self.last_id,
            "head": self.head,
            "count": self.count,
        }
        return json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()


def _key() -> bytes:
    key = getattr(settings, "SINERGI_AUDIT_CHECKPOINT_KEY", "")
    if not key:
        raise CheckpointKeyMissing("set SINERGI_AUDIT_CHECKPOINT_KEY to sign and check audit checkpoints")
    return key.encode()


def _sign(checkpoint: Checkpoint) -> str:
    return hmac.new(_key(), checkpoint.payload(), hashlib.sha256).hexdigest()


def _path() -> Path:
    return Path(settings.SINERGI_AUDIT_CHECKPOINT_FILE)


def audit_checkpoint_write() -> Checkpoint:
    """Signs the chain's current head and appends it to the checkpoint file (flushed to disk)."""
    newest = AuditEntry.objects.order_by("-id").values("id", "entry_hash").first()
    checkpoint = Checkpoint(
        at=timezone.now().isoformat(),
        last_id=newest["id"] if newest else 0,
        head=newest["entry_hash"] if newest else "",
        count=AuditEntry.objects.count(),
    )
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
    """Compares the trail with the latest checkpoint: the entry it names must still be there, with its hash.

    - "cut": that entry is gone (entries were removed from the end since the checkpoint);
    - "rebuilt": an entry with that id exists but with another hash, or fewer entries lead up to it (the chain
      was written again);
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
        checkpoint = Checkpoint(
            at=raw["at"], last_id=int(raw["last_id"]), head=raw["head"], count=int(raw["count"])
        )
        signed = hmac.compare_digest(_sign(checkpoint), str(raw.get("hmac", "")))
    except (KeyError, TypeError, ValueError):
        signed, checkpoint = False, None
    if not signed or checkpoint is None:
        return CheckpointReport(
            checkpoint, "bad_signature", "the latest checkpoint's signature does not match"
        )
    if checkpoint.last_id == 0:
        return CheckpointReport(checkpoint)
    entry = AuditEntry.objects.filter(pk=checkpoint.last_id).values("entry_hash").first()
    if entry is None:
        return CheckpointReport(
            checkpoint,
            "cut",
            f"entry {checkpoint.last_id}, the head at checkpoint {checkpoint.at}, is gone: the trail was cut",
        )
    up_to = AuditEntry.objects.filter(pk__lte=checkpoint.last_id).count()
    if entry["entry_hash"] != checkpoint.head or up_to != checkpoint.count:
        return CheckpointReport(
            checkpoint,
            "rebuilt",
            f"entry {checkpoint.last_id} no longer has the hash signed at checkpoint {checkpoint.at}, or the "
            f"entries up to it changed in number ({up_to} now, {checkpoint.count} then): the chain was rebuilt",
        )
    return CheckpointReport(checkpoint)
