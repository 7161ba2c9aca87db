"""Screening a JSONL stream line by line with flat memory: the path shared by the CLI and the benchmark.

Each input line is a JSON object with at least ``text`` and optionally ``id``, ``platform``, ``account``,
``url``, ``posted_at``. A broken line (not UTF-8, not JSON, not an object, no text, too long) is reported with
its line number and skipped; the rest is still screened. ``screen_file`` writes to a temporary file next to
the output and renames it at the end, so a crash or Ctrl-C never leaves a half-written result file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from sinergi.detection.engine.knowledge_base import Knowledge
from sinergi.detection.engine.screening import default_knowledge, screen

MAX_LINE_BYTES = 8 * 1024 * 1024  # a line longer than this is reported, not loaded (memory stays flat)
MAX_BROKEN_KEPT = 1000
META_FIELDS = ("platform", "account", "url", "posted_at")


class BrokenLine(ValueError):
    """One input line that cannot be screened; the message is in Bahasa Indonesia."""


@dataclass
class StreamStats:
    """Counts of one run; ``broken`` keeps the first MAX_BROKEN_KEPT (line, message) pairs."""

    lines: int = 0
    screened: int = 0
    broken_count: int = 0
    broken: list[tuple[int, str]] = field(default_factory=list)
    levels: Counter[str] = field(default_factory=Counter)
    bytes_read: int = 0

    def add_broken(self, line: int, message: str) -> None:
        self.broken_count += 1
        if len(self.broken) < MAX_BROKEN_KEPT:
            self.broken.append((line, message))


def read_lines(src: BinaryIO) -> Iterator[tuple[int, bytes | None, int]]:
    """(line number, raw bytes or None when the line is too long, bytes consumed) for each physical line."""
    number = 0
    while True:
        raw = src.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        consumed = len(raw)
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            # Skip the rest of the over-long line without holding it in memory.
            while raw and not raw.endswith(b"\n"):
                raw = src.readline(MAX_LINE_BYTES)
                consumed += len(raw)
            yield number, None, consumed
            continue
        yield number, raw, consumed


def parse_line(raw: bytes | None) -> dict[str, Any] | None:
    """The JSON object of one line, None for a blank line; raises BrokenLine with the reason."""
    if raw is None:
        raise BrokenLine(f"baris terlalu panjang (lebih dari {MAX_LINE_BYTES // (1024 * 1024)} MB)")
    if not raw.strip():
        return None
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BrokenLine(f"bukan teks UTF-8 (byte ke-{exc.start + 1})") from exc
    try:
        obj = json.loads(decoded)
    except json.JSONDecodeError as exc:
        raise BrokenLine(f"JSON tidak valid: {exc.msg} (kolom {exc.colno})") from exc
    except RecursionError as exc:
        raise BrokenLine("JSON terlalu dalam bersarang") from exc
    if not isinstance(obj, dict):
        raise BrokenLine(f"harus berupa objek JSON {{...}}, bukan {type(obj).__name__}")
    if "text" not in obj:
        raise BrokenLine("kolom 'text' tidak ada")
    if not isinstance(obj["text"], str):
        raise BrokenLine("kolom 'text' harus berupa teks")
    return obj


def _meta(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: obj[key] for key in META_FIELDS if isinstance(obj.get(key), str) and obj[key]}


def screen_stream(
    src: BinaryIO,
    write: Callable[[str], object],
    *,
    knowledge: Knowledge | None = None,
    on_broken: Callable[[int, str], object] | None = None,
    on_result: Callable[[int, dict[str, Any], object], object] | None = None,
    on_progress: Callable[[int], object] | None = None,
    use_learned: bool = True,
) -> StreamStats:
    """Screen every line of ``src`` and ``write`` one JSON line per screened post.

    ``on_result(line, input_object, ScreeningResult)`` lets the caller do more with each result (``--store``);
    ``on_progress(bytes)`` advances a progress bar.
    """
    knowledge = knowledge or default_knowledge()
    stats = StreamStats()
    dumps = json.dumps
    for number, raw, consumed in read_lines(src):
        stats.lines = number
        stats.bytes_read += consumed
        if on_progress is not None:
            on_progress(consumed)
        try:
            obj = parse_line(raw)
        except BrokenLine as exc:
            stats.add_broken(number, str(exc))
            if on_broken is not None:
                on_broken(number, str(exc))
            continue
        if obj is None:
            continue
        meta = _meta(obj)
        result = screen(obj["text"], knowledge=knowledge, use_learned=use_learned, **meta)
        row = {"id": obj.get("id"), "line": number}
        row.update(result.to_dict())
        write(dumps(row, ensure_ascii=False, default=str))
        write("\n")
        stats.screened += 1
        stats.levels[result.risk_level] += 1
        if on_result is not None:
            on_result(number, obj, result)
    return stats


def screen_file(input_path: str, output_path: str, **kwargs: Any) -> StreamStats:
    """Screen ``input_path`` ("-" for standard input) into ``output_path`` atomically (temp file + rename)."""
    out_dir = os.path.dirname(os.path.abspath(output_path)) or "."
    fd, tmp = tempfile.mkstemp(prefix=".sinergi-screen-", suffix=".part", dir=out_dir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", buffering=1024 * 1024) as out:
            if input_path == "-":
                import sys

                stats = screen_stream(sys.stdin.buffer, out.write, **kwargs)
            else:
                with open(input_path, "rb") as src:
                    stats = screen_stream(src, out.write, **kwargs)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, output_path)
    except BaseException:
        # Ctrl-C, a crash or a full disk: leave no partial output behind.
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return stats
