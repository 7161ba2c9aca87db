"""Loading the Kemendagri reference tables shipped in sinergi/regions/data/."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction

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


def _rows(filename: str) -> Iterable[dict[str, str]]:
    with open(DATA_DIR / filename, encoding="utf-8", newline="") as handle:
        yield from csv.DictReader(handle)


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
            batch.append(
                Region(
                    code=code,
                    digits=row["kode_angka"],
                    name=name,
                    name_search=name.lower(),
                    level=level,
                    kind=row.get("jenis", "")
                    or ("Provinsi" if level == RegionLevel.PROVINCE else "Kecamatan"),
                    parent_id=parent,
                    path_name=path_names[code],
                )
            )
        Region.objects.bulk_create(
            batch,
            batch_size=5000,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["digits", "name", "name_search", "level", "kind", "parent", "path_name"],
        )
    history = [
        RegionCodeHistory(
            code=row["kode"],
            digits=row["kode_angka"],
            level=int(row["tingkat"]),
            last_name=row["nama_terakhir"],
            first_edition=int(row["edisi_pertama"]),
            last_edition=int(row["edisi_terakhir"]),
            valid_2025=row["berlaku_2025"] == "ya",
        )
        for row in _rows("kode_historis_prov_kab_kec.csv")
        if wanted is None or row["kode"][:2] in wanted
    ]
    RegionCodeHistory.objects.bulk_create(
        history,
        batch_size=5000,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["digits", "level", "last_name", "first_edition", "last_edition", "valid_2025"],
    )
    return Region.objects.count()
