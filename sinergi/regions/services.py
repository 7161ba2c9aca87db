"""Loading the Kemendagri reference tables shipped in sinergi/regions/data/."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from sinergi.regions.choices import RegionLevel
from sinergi.regions.models import Region, RegionCodeHistory

DATA_DIR = Path(__file__).resolve().parent / "data"

_FILES = [
    (RegionLevel.PROVINCE, "provinsi.csv", None),
    (RegionLevel.REGENCY, "kabupaten_kota.csv", "kode_provinsi"),
    (RegionLevel.DISTRICT, "kecamatan.csv", "kode_kabupaten_kota"),
    (RegionLevel.VILLAGE, "desa_kelurahan.csv", "kode_kecamatan"),
]
_PATH_PREFIX = {RegionLevel.DISTRICT: "Kec. ", RegionLevel.PROVINCE: "Prov. "}


@lru_cache(maxsize=8)
def _read(filename: str) -> tuple[dict[str, str], ...]:
    # Cached: the test suite loads a few provinces for many tests, and parsing 84,000 villages is the slow part.
    with open(DATA_DIR / filename, encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def _rows(filename: str) -> Iterable[dict[str, str]]:
    return _read(filename)


def _upsert(table: str, columns: list[str], key: str, rows: list[tuple[Any, ...]]) -> None:
    """INSERT … ON CONFLICT DO UPDATE in batches, straight through the cursor (SQLite and PostgreSQL).

    The ORM's bulk_create spends more time compiling 90,000 rows than the database spends storing them.
    """
    if not rows:
        return
    qn = connection.ops.quote_name
    others = [c for c in columns if c != key]
    updates = ", ".join(f"{qn(c)} = excluded.{qn(c)}" for c in others)
    # Rows that did not change are left alone, so loading the same edition again costs a read, not a write.
    differs = "IS DISTINCT FROM" if connection.vendor == "postgresql" else "IS NOT"
    changed = " OR ".join(f"{qn(table)}.{qn(c)} {differs} excluded.{qn(c)}" for c in others)
    # Table and column names come from the models above, never from input; values are parameters.
    sql = (
        f"INSERT INTO {qn(table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))}) "
        f"ON CONFLICT ({qn(key)}) DO UPDATE SET {updates} WHERE {changed}"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


@transaction.atomic
def regions_load(*, provinces: Iterable[str] | None = None, max_level: int = RegionLevel.VILLAGE) -> int:
    """Loads (or refreshes) the regions; `provinces` limits the load to some province codes (tests, small demos).

    Idempotent: existing codes are updated in place, so running it after a new Kemendagri edition is safe.
    Returns the number of regions in the table afterwards.
    """
    wanted = set(provinces) if provinces else None
    path_names: dict[str, str] = {}
    for level, filename, parent_column in _FILES:
        if level > max_level:
            break
        batch = []
        for row in _rows(filename):
            code = row["kode"]
            if wanted is not None and code[:2] not in wanted:
                continue
            parent = row[parent_column] if parent_column else None
            name = row["nama"]
            label = _PATH_PREFIX.get(level, "") + name
            path_names[code] = f"{label}, {path_names[parent]}" if parent else label
            kind = row.get("jenis", "") or ("Provinsi" if level == RegionLevel.PROVINCE else "Kecamatan")
            batch.append(
                (code, row["kode_angka"], name, name.lower(), int(level), kind, parent, path_names[code])
            )
        _upsert(
            Region._meta.db_table,
            ["code", "digits", "name", "name_search", "level", "kind", "parent_id", "path_name"],
            "code",
            batch,
        )
    history = [
        (
            row["kode"],
            row["kode_angka"],
            int(row["tingkat"]),
            row["nama_terakhir"],
            int(row["edisi_pertama"]),
            int(row["edisi_terakhir"]),
            row["berlaku_2025"] == "ya",
        )
        for row in _rows("kode_historis_prov_kab_kec.csv")
        if wanted is None or row["kode"][:2] in wanted
    ]
    _upsert(
        RegionCodeHistory._meta.db_table,
        ["code", "digits", "level", "last_name", "first_edition", "last_edition", "valid_2025"],
        "code",
        history,
    )
    return Region.objects.count()
