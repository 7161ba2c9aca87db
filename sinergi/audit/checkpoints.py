"""Signed checkpoints of the audit chain's head, kept outside the database (issue 14 point 5).

The hash chain shows an edited or removed entry in the middle, but not a cut tail (the shorter chain is still
intact) nor a chain rebuilt from scratch by someone who holds the owner's password. A checkpoint is the head of every chain
(decision 0014: per chain its newest entry's id, its hash and the chain's number of entries), all signed together
with HMAC-SHA256 under
SINERGI_AUDIT_CHECKPOINT_KEY, a key that the database never sees, appended as one JSON line to
SINERGI_AUDIT_CHECKPOINT_FILE (point it at another machine's disk, or ship the file: whoever can rewrite the
database cannot sign a new line). The background worker writes one by itself every
SINERGI_AUDIT_CHECKPOINT_MINUTES when the heads moved (`audit_checkpoint_if_due`, registered in plugins.py);
`manage.py audit_checkpoint` writes one at once (for cron); `manage.py audit_verify` checks the chain against
every line of the file (checkpoint_history.py), the worker and the command before signing against the latest.

Neither signs over a trail that no longer holds the latest checkpoint's heads: a new line would make a cut
tail look like the trail's true end, so after a restore an operator must say so (`audit_checkpoint --force`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max
from django.utils import timezone

from sinergi.audit.models import AuditEntry

logger = logging.getLogger("sinergi.audit")

FORMAT = 2  # 1: one chain, its head at the top level (still read: the lines written before decision 0014)


class CheckpointKeyMissing(Exception):
    """SINERGI_AUDIT_CHECKPOINT_KEY is not set: nothing can be signed or checked."""


class CheckpointRefused(Exception):
    """The trail no longer matches the latest checkpoint: signing its heads now would hide that."""


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
    # Signed with --force: the trail as it was then is the reference, and the lines before it (an older trail,
    # before a restore, or another key) are no longer compared with it.
    forced: bool = False

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
        if self.forced:  # only then: the lines written before the mark keep their signatures
            fields["forced"] = True
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
        return cls(
            at=str(raw["at"]), heads=heads, format=int(raw["format"]), forced=raw.get("forced") is True
        )


def _key() -> bytes:
    key = getattr(settings, "SINERGI_AUDIT_CHECKPOINT_KEY", "")
    if not key:
        raise CheckpointKeyMissing("set SINERGI_AUDIT_CHECKPOINT_KEY to sign and check audit checkpoints")
    return key.encode()


def _sign(checkpoint: Checkpoint) -> str:
    return hmac.new(_key(), checkpoint.payload(), hashlib.sha256).hexdigest()


def checkpoint_signed(checkpoint: Checkpoint, signature: str) -> bool:
    """Whether `signature` is the checkpoint's under the key (CheckpointKeyMissing without one)."""
    return hmac.compare_digest(_sign(checkpoint), signature)


def checkpoint_file() -> Path:
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


@contextlib.contextmanager
def _file_locked() -> Iterator[None]:
    """Holds an exclusive lock on the checkpoint file: two workers (or a worker and cron) never both decide to
    append for the same heads."""
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)  # released when the file is closed
        yield


def _append(checkpoint: Checkpoint) -> None:
    line = json.dumps({**json.loads(checkpoint.payload()), "hmac": _sign(checkpoint)}) + "\n"
    with checkpoint_file().open("a", encoding="utf-8") as handle:
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def _refuse_unless_extends(force: bool) -> None:
    if force:
        return
    report = audit_checkpoint_check()
    if not report.ok and report.problem != "no_checkpoint":
        raise CheckpointRefused(
            f"not signing: the trail no longer matches the latest checkpoint ({report.problem}: {report.detail}); "
            "after a restore or a key change, check with audit_verify and sign with audit_checkpoint --force"
        )


def audit_checkpoint_write(*, force: bool = False) -> Checkpoint:
    """Signs every chain's current head and appends them, as one line, to the checkpoint file (flushed to disk).

    Refused (CheckpointRefused) when the trail no longer holds the latest checkpoint's heads, unless `force`,
    which marks the line as the new reference (`audit_verify` compares the trail with it and the lines after it).
    """
    _key()
    with _file_locked():
        _refuse_unless_extends(force)
        checkpoint = Checkpoint(at=timezone.now().isoformat(), heads=_current_heads(), forced=force)
        _append(checkpoint)
    return checkpoint


def _due(raw: dict | None, now: datetime, every: timedelta) -> bool:
    """Whether the latest line is older than the interval (a line that cannot be read is: the check says why)."""
    if raw is None:
        return True
    try:
        return datetime.fromisoformat(str(raw["at"])) <= now - every
    except (KeyError, ValueError, TypeError):
        return True


def _moved(raw: dict | None) -> bool:
    """Whether any chain grew since the latest line. Ids only grow, so the newest id tells, through the primary
    key's index, without counting the trail."""
    newest = AuditEntry.objects.aggregate(newest=Max("id"))["newest"]
    if raw is None:
        return newest is not None
    try:
        return Checkpoint.from_line(raw).last_id != newest
    except (KeyError, TypeError, ValueError):
        return True


def _readable_latest_line() -> dict | None:
    # A line that is not JSON counts as due and moved: the check before signing then reports it as tampering.
    try:
        return _latest_line()
    except ValueError:
        return {}


def audit_checkpoint_if_due(*, now: datetime | None = None) -> Checkpoint | None:
    """The periodic checkpoint, which every worker calls about once a minute: signs the heads when the latest
    line is SINERGI_AUDIT_CHECKPOINT_MINUTES old and a chain has grown since; otherwise writes nothing.

    Off when the interval is 0 or there is no key (a development copy; production requires one). Under the
    file's lock, so that of several workers due at once one writes and the others find the heads signed.
    Raises CheckpointRefused (the worker logs it) when the trail no longer matches the latest checkpoint.
    """
    minutes = settings.SINERGI_AUDIT_CHECKPOINT_MINUTES
    if minutes <= 0 or not getattr(settings, "SINERGI_AUDIT_CHECKPOINT_KEY", ""):
        return None
    now = now or timezone.now()
    every = timedelta(minutes=minutes)
    seen = _readable_latest_line()
    if not _due(seen, now, every) or not _moved(seen):  # the common cases, without taking the lock
        return None
    with _file_locked():
        raw = _readable_latest_line()
        if not _due(raw, now, every) or not _moved(raw):
            return None
        _refuse_unless_extends(force=False)
        checkpoint = Checkpoint(at=now.isoformat(), heads=_current_heads())
        _append(checkpoint)
    logger.info("audit checkpoint: %s entries in %s chains", checkpoint.count, len(checkpoint.heads))
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
    """The file's last non-blank line, read from its end: the worker looks every minute at a file that grows by a
    line an hour for years."""
    path = checkpoint_file()
    if not path.exists():
        return None
    with path.open("rb") as handle:
        end = handle.seek(0, os.SEEK_END)
        tail = b""
        while end > 0:
            start = max(0, end - 4096)
            handle.seek(start)
            tail = handle.read(end - start) + tail
            end = start
            lines = [line for line in tail.splitlines() if line.strip()]
            if len(lines) > 1 or (lines and end == 0):
                return json.loads(lines[-1].decode("utf-8"))
    return None


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
        return CheckpointReport(None, "no_checkpoint", f"no checkpoint in {checkpoint_file()}")
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
