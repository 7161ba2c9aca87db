"""Every line of the checkpoint file compared with the trail, in one pass over the chain (issue 14 point 5).

The latest checkpoint alone shows a cut tail or a chain written again since it was signed. The older lines show
more: someone who can sign (they hold the application host, and so the key) could sign a new line over a
rewritten trail, and the latest line would then match it; each older line still names the head its chain had
then, which the rewritten trail no longer has. So every line is checked:

- its signature ("bad_signature"; a line that is not a checkpoint at all: "unreadable");
- its order: its time (beyond CLOCK_SKEW), and each chain's newest id and length, never go back from the line
  before, and a chain that did not grow has the same head ("out_of_order": lines reordered, or an old line copied to the end);
- its heads on the trail: the entry it names for each chain is still there ("cut"), with that hash, in that
  chain, with as many entries of the chain up to it ("rebuilt").

A line signed with `audit_checkpoint --force` is the reference from then on: the lines before it describe the
trail before a restore (or were signed with an earlier key) and are not compared.

    history = CheckpointHistory.read()          # raises CheckpointKeyMissing without the key
    audit_chain_verify(observe=history.observe) # the chain's own pass feeds it: no query per line
    report = history.report()                   # report.line: the first bad line's number in the file
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sinergi.audit.checkpoints import ChainHead, Checkpoint, checkpoint_file, checkpoint_signed

# Workers on several hosts may share one checkpoint file (deploy guide, section 3), each signing with its own
# clock: a line a little earlier than the one before is two clocks, not a reordered file. The heads, which only
# grow, catch a reordering whatever the times say.
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class HistoryReport:
    """How the checkpoint file compares with the trail: `line` is the first bad line's number (1 is the file's
    first line), 0 when every line compared holds."""

    lines: int  # checkpoint lines read
    compared: int  # of which compared with the trail (from the reference on)
    latest: Checkpoint | None
    reference_line: int = 0  # the last line signed with --force, 0 for none
    line: int = 0
    problem: str = ""  # "", "unreadable", "bad_signature", "out_of_order", "cut", "rebuilt"
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.line == 0


@dataclass
class _Expected:
    line: int
    head: ChainHead
    at: str


@dataclass
class CheckpointHistory:
    """The lines of the checkpoint file, checked on their own when read, then against the entries `observe`
    is shown in the order of their ids."""

    lines: int = 0
    latest: Checkpoint | None = None
    reference_line: int = 0
    compared: int = 0
    problems: dict[int, tuple[str, str]] = field(default_factory=dict)
    _expected: dict[int, list[_Expected]] = field(default_factory=dict)
    _per_chain: dict[int, int] = field(default_factory=dict)

    @classmethod
    def read(cls) -> CheckpointHistory:
        """The checkpoint file's lines (CheckpointKeyMissing without the key, OSError if it cannot be read)."""
        checkpoint_signed(
            Checkpoint(at="", heads=()), ""
        )  # without the key nothing can be checked: say so first
        history = cls()
        path = checkpoint_file()
        if not path.exists():
            return history
        signed: list[tuple[int, Checkpoint | None, str]] = []
        with path.open("rb") as handle:
            for number, raw_line in enumerate(handle, start=1):
                if raw_line.strip():
                    signed.append((number, *_signed(raw_line)))
        history._take(signed)
        return history

    def _take(self, signed: list[tuple[int, Checkpoint | None, str]]) -> None:
        self.lines = len(signed)
        valid = [checkpoint for _, checkpoint, _ in signed if checkpoint is not None]
        self.latest = valid[-1] if valid else None
        forced = [number for number, checkpoint, _ in signed if checkpoint is not None and checkpoint.forced]
        self.reference_line = forced[-1] if forced else 0
        previous: Checkpoint | None = None
        for number, checkpoint, problem in signed:
            if number < self.reference_line:
                continue
            self.compared += 1
            if checkpoint is None:
                self._problem(number, problem, _SIGNATURE_DETAILS[problem])
                continue
            if previous is not None and number != self.reference_line:
                backwards = _backwards(previous, checkpoint)
                if backwards:
                    self._problem(number, "out_of_order", backwards)
            for head in checkpoint.heads:
                self._expected.setdefault(head.last_id, []).append(_Expected(number, head, checkpoint.at))
            previous = checkpoint

    def _problem(self, number: int, problem: str, detail: str) -> None:
        self.problems.setdefault(number, (problem, detail))

    def observe(self, entry_id: int, chain: int, entry_hash: str) -> None:
        """One entry of the trail, in the order of ids (`audit_chain_verify` shows each one)."""
        count = self._per_chain.get(chain, 0) + 1
        self._per_chain[chain] = count
        for expected in self._expected.pop(entry_id, ()):
            head = expected.head
            if chain != head.chain or entry_hash != head.head or count != head.count:
                self._problem(
                    expected.line,
                    "rebuilt",
                    f"entry {entry_id}, the head of chain {head.chain} at checkpoint {expected.at}, no longer "
                    f"has the hash signed then, or moved to chain {chain}, or the entries of its chain up to it "
                    f"changed in number ({count} now, {head.count} then): the chain was rebuilt",
                )

    def report(self) -> HistoryReport:
        """The first bad line once the trail was observed: an entry a line names that never came is gone."""
        for entries in self._expected.values():
            for expected in entries:
                head = expected.head
                self._problem(
                    expected.line,
                    "cut",
                    f"entry {head.last_id}, the head of chain {head.chain} at checkpoint {expected.at}, is "
                    "gone: the trail was cut",
                )
        self._expected.clear()
        base = HistoryReport(
            lines=self.lines, compared=self.compared, latest=self.latest, reference_line=self.reference_line
        )
        if not self.problems:
            return base
        first = min(self.problems)
        problem, detail = self.problems[first]
        return HistoryReport(
            lines=self.lines,
            compared=self.compared,
            latest=self.latest,
            reference_line=self.reference_line,
            line=first,
            problem=problem,
            detail=f"{detail} ({len(self.problems)} bad lines in all)" if len(self.problems) > 1 else detail,
        )


_SIGNATURE_DETAILS = {
    "unreadable": "the line is not a checkpoint (not JSON, or fields missing)",
    "bad_signature": "the line's signature does not match: the file was edited",
}


def _signed(raw_line: bytes) -> tuple[Checkpoint | None, str]:
    """The checkpoint on a line if its signature holds, else None and why."""
    try:
        raw = json.loads(raw_line.decode("utf-8"))
        checkpoint = Checkpoint.from_line(raw)
        datetime.fromisoformat(checkpoint.at)
    except (KeyError, TypeError, ValueError, AttributeError):
        return None, "unreadable"
    if not checkpoint_signed(checkpoint, str(raw.get("hmac", ""))):
        return None, "bad_signature"
    return checkpoint, ""


def _backwards(previous: Checkpoint, current: Checkpoint) -> str:
    """What goes back from `previous` to `current`, or "" when nothing does."""
    if datetime.fromisoformat(current.at) < datetime.fromisoformat(previous.at) - CLOCK_SKEW:
        return f"its time {current.at} is before the line before it ({previous.at})"
    now = {head.chain: head for head in current.heads}
    for before in previous.heads:
        after = now.get(before.chain)
        if after is None:
            return f"chain {before.chain}, in the line before it, is missing"
        grown = after.count - before.count
        if after.last_id < before.last_id or grown < 0:
            return (
                f"chain {before.chain} goes back from entry {before.last_id} ({before.count} entries) to entry "
                f"{after.last_id} ({after.count})"
            )
        if after.last_id == before.last_id and (after.head != before.head or grown):
            return f"chain {before.chain} has another head for the same entry {after.last_id}"
        if after.last_id > before.last_id and not 0 < grown <= after.last_id - before.last_id:
            return (
                f"chain {before.chain} grew by {grown} entries between ids {before.last_id} and "
                f"{after.last_id}, which cannot be"
            )
    return ""
