"""The registries of licensed placement companies (P3MI) and of official job orders, kept as versioned CSV files.

A registry file is a CSV with a header of ``# key: value`` comment lines (``version``, ``updated``,
``source_date``, ``source``, ``sample``) followed by the column header and the rows. Keeping the metadata inside
the one file means an import replaces it with a single atomic rename: a reader sees the old registry or the new
one, never half of each.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict


class KindSpec(TypedDict):
    file: str
    columns: list[str]
    required: list[str]
    statuses: set[str]
    key: str


KINDS: dict[str, KindSpec] = {
    "p3mi": {
        "file": "registry_p3mi.csv",
        "columns": ["name", "licence", "status", "province", "valid_until", "aliases"],
        "required": ["name", "licence", "status"],
        "statuses": {"aktif", "dibekukan", "dicabut"},
        "key": "licence",
    },
    "job_orders": {
        "file": "registry_job_orders.csv",
        "columns": [
            "job_order_no",
            "p3mi_licence",
            "country",
            "employer",
            "position",
            "quota",
            "valid_until",
            "status",
        ],
        "required": ["job_order_no", "p3mi_licence", "country", "position", "status"],
        "statuses": {"aktif", "selesai", "dibatalkan"},
        "key": "job_order_no",
    },
}
_META_KEYS = ("version", "updated", "source_date", "source", "sample")
_META_LINE = re.compile(r"^#\s*([a-z_-]+)\s*:\s*(.*?)\s*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class RegistryError(ValueError):
    """A registry CSV is invalid; ``problems`` lists (line number, message) pairs in Bahasa Indonesia."""

    def __init__(self, source: str, problems: list[tuple[int, str]]):
        self.source = source
        self.problems = problems
        lines = "; ".join(f"baris {n}: {msg}" for n, msg in problems[:20])
        more = f" (dan {len(problems) - 20} masalah lain)" if len(problems) > 20 else ""
        super().__init__(f"{source}: {lines}{more}")


@dataclass
class Registry:
    """One loaded registry: its metadata and its rows (dicts keyed by column)."""

    kind: str
    meta: dict[str, Any] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def version(self) -> int:
        return int(self.meta.get("version") or 0)

    @property
    def is_sample(self) -> bool:
        return str(self.meta.get("sample", "")).lower() in {"true", "ya", "yes", "1"}


def _parse_date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def validate_rows(
    kind: str, reader_rows: Iterable[tuple[int, dict[str | None, Any]]], *, first_line: int, source: str
) -> list[dict[str, Any]]:
    """Check every row of a registry; return clean rows or raise RegistryError listing every bad line.

    ``reader_rows`` yields (line number, dict) pairs. All problems are collected before raising, so that the
    officer fixes the file in one go.
    """
    spec = KINDS[kind]
    problems: list[tuple[int, str]] = []
    clean: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for lineno, raw in reader_rows:
        if None in raw:
            problems.append((lineno, "jumlah kolom lebih banyak dari header"))
            continue
        row = {col: (raw.get(col) or "").strip() for col in spec["columns"]}
        missing = [col for col in spec["required"] if not row[col]]
        if missing:
            problems.append((lineno, f"kolom wajib kosong: {', '.join(missing)}"))
            continue
        status = row["status"].lower()
        if status not in spec["statuses"]:
            allowed = ", ".join(sorted(spec["statuses"]))
            problems.append((lineno, f"status {row['status']!r} tidak dikenal (pilihan: {allowed})"))
            continue
        row["status"] = status
        if row.get("valid_until") and _parse_date(row["valid_until"]) is None:
            problems.append((lineno, f"valid_until {row['valid_until']!r} bukan tanggal YYYY-MM-DD"))
            continue
        if kind == "job_orders":
            row["country"] = row["country"].upper()
            if not _COUNTRY.match(row["country"]):
                problems.append((lineno, f"country {row['country']!r} bukan kode negara ISO 3166 dua huruf"))
                continue
            if row["quota"] and not row["quota"].isdigit():
                problems.append((lineno, f"quota {row['quota']!r} bukan bilangan bulat"))
                continue
        key = row[spec["key"]].upper()
        if key in seen:
            problems.append((lineno, f"{spec['key']} {row[spec['key']]!r} sudah ada di baris {seen[key]}"))
            continue
        seen[key] = lineno
        clean.append(row)
    if problems:
        raise RegistryError(source, problems)
    return clean


def _split_meta(text: str) -> tuple[dict[str, Any], list[str], int]:
    meta: dict[str, Any] = {}
    lines = text.splitlines()
    index = 0
    while index < len(lines) and (lines[index].startswith("#") or not lines[index].strip()):
        m = _META_LINE.match(lines[index])
        if m:
            meta[m.group(1).replace("-", "_")] = m.group(2)
        index += 1
    return meta, lines[index:], index


def _read_rows(kind: str, body_lines: list[str], first_line: int, source: str) -> list[dict[str, Any]]:
    spec = KINDS[kind]
    if not body_lines:
        raise RegistryError(source, [(first_line + 1, "berkas kosong: baris header kolom tidak ada")])
    reader = csv.DictReader(io.StringIO("\n".join(body_lines)))
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in spec["required"] if c not in header]
    unknown = [c for c in header if c not in spec["columns"]]
    if missing or unknown:
        msg = []
        if missing:
            msg.append(f"kolom wajib tidak ada: {', '.join(missing)}")
        if unknown:
            msg.append(
                f"kolom tidak dikenal: {', '.join(unknown)} (kolom yang sah: {', '.join(spec['columns'])})"
            )
        raise RegistryError(source, [(first_line + 1, "; ".join(msg))])

    def numbered() -> Iterator[tuple[int, dict[str | None, Any]]]:
        for row in reader:
            # DictReader counts physical lines, so quoted multi-line cells keep the right number.
            yield first_line + reader.line_num, row

    return validate_rows(kind, numbered(), first_line=first_line, source=source)


def load_registry(kind: str, path: str | os.PathLike[str]) -> Registry:
    """Read and validate a registry file (with its ``# key: value`` metadata header)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return Registry(kind=kind)
    meta, body, skipped = _split_meta(text)
    rows = _read_rows(kind, body, skipped, path.name)
    return Registry(kind=kind, meta=meta, rows=rows)


def import_registry(
    kind: str,
    csv_path: str | os.PathLike[str],
    *,
    knowledge_dir: str | os.PathLike[str],
    source_date: dt.date | None = None,
    source: str | None = None,
    today: dt.date | None = None,
) -> Registry:
    """Validate an officer's CSV and atomically replace the versioned registry file with it.

    The CSV has the plain column header (no metadata lines). Nothing is written unless every row is valid: the
    new file is written next to the old one under a temporary name and renamed over it.
    """
    if kind not in KINDS:
        raise ValueError(f"jenis registri tidak dikenal: {kind!r} (pilihan: {', '.join(KINDS)})")
    csv_path = Path(csv_path)
    try:
        raw = csv_path.read_bytes()
    except OSError as exc:
        raise RegistryError(
            csv_path.name, [(0, f"berkas tidak dapat dibaca: {exc.strerror or exc}")]
        ) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryError(
            csv_path.name, [(0, "berkas bukan teks UTF-8 (simpan ulang sebagai CSV UTF-8)")]
        ) from exc
    _meta, body, skipped = _split_meta(text)
    rows = _read_rows(kind, body, skipped, csv_path.name)
    if not rows:
        raise RegistryError(csv_path.name, [(skipped + 1, "tidak ada baris data")])

    spec = KINDS[kind]
    target = Path(knowledge_dir) / spec["file"]
    current = load_registry(kind, target) if target.exists() else Registry(kind=kind)
    today = today or dt.date.today()
    meta = {
        "version": str(current.version + 1),
        "updated": today.isoformat(),
        "source_date": (source_date or today).isoformat(),
        "source": (source or f"Impor dari {csv_path.name}").replace("\n", " "),
        "sample": "false",
    }
    out = io.StringIO()
    out.write(f"# sinergi-registry: {kind}\n")
    for key in _META_KEYS:
        out.write(f"# {key}: {meta[key]}\n")
    writer = csv.DictWriter(out, fieldnames=spec["columns"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)

    fd, tmp = tempfile.mkstemp(prefix=f".{spec['file']}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(out.getvalue())
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return Registry(kind=kind, meta=meta, rows=rows)
