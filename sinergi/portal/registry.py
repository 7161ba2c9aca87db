"""Cek Perusahaan: the registry of licensed placement companies (P3MI), searched the way people type names.

The registry files are the detection engine's (sinergi/detection/engine/knowledge/registry_*.csv, replaced by
`manage.py detection_import_registry`). They are read here again whenever a file changes on disk, so every web
worker sees an import at once, not only the process that ran it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from sinergi.detection.engine.companies import normalise_company
from sinergi.detection.engine.knowledge_base import DEFAULT_DIR, KNOWLEDGE_DIR_ENV
from sinergi.detection.engine.registry import KINDS, Registry, load_registry

LICENSED = "licensed"
SUSPENDED = "suspended"
REVOKED = "revoked"
EXPIRED = "expired"
MIN_SCORE = 72
MAX_RESULTS = 5
MAX_QUERY_CHARS = 120


@dataclass
class CompanyResult:
    name: str
    licence: str
    status: str  # LICENSED, SUSPENDED, REVOKED, EXPIRED
    province: str
    valid_until: str
    countries: list[str] = field(default_factory=list)
    score: float = 100.0


@dataclass
class RegistryInfo:
    rows: int
    version: int
    updated: str
    source_date: str
    source: str
    is_sample: bool
    age_days: int | None


class _Loaded:
    def __init__(self):
        self.lock = threading.Lock()
        self.stamp: tuple | None = None
        self.p3mi = Registry(kind="p3mi")
        self.job_orders = Registry(kind="job_orders")
        self.index: dict[str, dict] = {}
        self.by_licence: dict[str, dict] = {}
        self.countries: dict[str, list[str]] = {}


_loaded = _Loaded()


def _paths() -> tuple[Path, Path]:
    directory = Path(os.environ.get(KNOWLEDGE_DIR_ENV) or DEFAULT_DIR)
    return directory / KINDS["p3mi"]["file"], directory / KINDS["job_orders"]["file"]


def _stamp(path: Path) -> tuple:
    try:
        info = path.stat()
    except FileNotFoundError:
        return (str(path), None)
    return (str(path), info.st_mtime_ns, info.st_size)


def _current() -> _Loaded:
    p3mi_path, orders_path = _paths()
    stamp = (_stamp(p3mi_path), _stamp(orders_path))
    if stamp == _loaded.stamp:
        return _loaded
    with _loaded.lock:
        if stamp != _loaded.stamp:
            p3mi = load_registry("p3mi", p3mi_path)
            orders = load_registry("job_orders", orders_path)
            index: dict[str, dict] = {}
            for row in p3mi.rows:
                for name in [row["name"], *(row.get("aliases") or "").split("|")]:
                    key = normalise_company(name)
                    if key:
                        index.setdefault(key, row)
            countries: dict[str, list[str]] = {}
            today = dt.date.today().isoformat()
            for row in orders.rows:
                if row["status"] == "aktif" and (row.get("valid_until") or "9999") >= today:
                    listed = countries.setdefault(row["p3mi_licence"].upper(), [])
                    if row["country"] not in listed:
                        listed.append(row["country"])
            _loaded.p3mi, _loaded.job_orders, _loaded.index = p3mi, orders, index
            _loaded.by_licence = {row["licence"].upper(): row for row in p3mi.rows}
            _loaded.countries = countries
            _loaded.stamp = stamp
    return _loaded


def registry_info() -> RegistryInfo:
    loaded = _current()
    meta = loaded.p3mi.meta
    age = None
    source_date = meta.get("source_date") or meta.get("updated") or ""
    with contextlib.suppress(ValueError):
        age = (dt.date.today() - dt.date.fromisoformat(source_date)).days
    return RegistryInfo(
        rows=len(loaded.p3mi.rows),
        version=loaded.p3mi.version,
        updated=meta.get("updated", ""),
        source_date=source_date,
        source=meta.get("source", ""),
        is_sample=loaded.p3mi.is_sample,
        age_days=age,
    )


def _result(row: dict, score: float, loaded: _Loaded) -> CompanyResult:
    status = {"aktif": LICENSED, "dibekukan": SUSPENDED, "dicabut": REVOKED}[row["status"]]
    valid_until = row.get("valid_until") or ""
    if status == LICENSED and valid_until and valid_until < dt.date.today().isoformat():
        status = EXPIRED
    countries = loaded.countries.get(row["licence"].upper(), []) if status == LICENSED else []
    return CompanyResult(
        name=row["name"],
        licence=row["licence"],
        status=status,
        province=row.get("province") or "",
        valid_until=valid_until,
        countries=list(countries),
        score=round(score, 1),
    )


def company_search(query: str) -> list[CompanyResult]:
    """Registry companies whose name (or alias, or licence number) is close to `query`, best first.

    An empty list means "not in the registry": the page says the company is unknown, which for a placement
    company is itself a warning sign.
    """
    loaded = _current()
    text = (query or "")[:MAX_QUERY_CHARS]
    licence = loaded.by_licence.get(text.strip().upper())
    if licence is not None:
        return [_result(licence, 100.0, loaded)]
    key = normalise_company(text)
    if len(key) < 3 or not loaded.index:
        return []
    found = process.extract(
        key, loaded.index.keys(), scorer=fuzz.token_set_ratio, score_cutoff=MIN_SCORE, limit=MAX_RESULTS * 3
    )
    results: list[CompanyResult] = []
    seen: set[str] = set()
    for name, score, _ in found:
        row = loaded.index[name]
        if row["licence"] in seen:
            continue
        seen.add(row["licence"])
        results.append(_result(row, score, loaded))
        if len(results) == MAX_RESULTS:
            break
    return results
