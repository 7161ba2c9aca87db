"""`sinergi link`: link any CSV of person records into clusters, outside the web app.

    sinergi link records.csv -o clusters.csv --id ID --name NAMA [--sex JK] [--birth-date TGL_LAHIR]
                 [--nik NIK] [--phone HP] [--region KODE_WILAYAH] [--backend duckdb|spark] [--model M.json]
                 [--save-model M.json --model-version V] [--encoding cp1252] [--quiet]

Writes `id,cluster` for every input row, in input order: rows with the same cluster are the same person.
The output appears whole or not at all (written to a temporary file beside it, then renamed).

Exit codes: 0 linked; 2 usage, input or output error (nothing written); 130 interrupted (nothing written).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import tempfile
from pathlib import Path

COLUMN_OPTIONS = (
    ("id", "unique_id", True),
    ("name", "name", True),
    ("sex", "sex", False),
    ("birth_date", "birth_date", False),
    ("nik", "nik", False),
    ("phone", "phone", False),
    ("region", "region", False),
)
STAGES = {"read": "membaca", "prepare": "menormalkan", "train": "melatih model", "predict": "menilai pasangan",
          "cluster": "mengelompokkan", "write": "menulis"}  # fmt: skip


class InputError(Exception):
    """Bad input, with the message for the user (Indonesian, like the rest of the console script)."""


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "link",
        help="tautkan rekaman orang dalam berkas CSV (id,cluster)",
        description="Tautkan rekaman orang yang sama dalam berkas CSV; tulis id,cluster untuk setiap baris.",
    )
    p.add_argument("input", help="berkas CSV masukan (baris pertama: nama kolom)")
    p.add_argument(
        "-o", "--output", required=True, help="berkas CSV hasil id,cluster (ditulis utuh di akhir)"
    )
    p.add_argument("--id", required=True, dest="col_id", metavar="KOLOM", help="kolom id unik")
    p.add_argument("--name", required=True, dest="col_name", metavar="KOLOM", help="kolom nama lengkap")
    p.add_argument("--sex", dest="col_sex", metavar="KOLOM", help="kolom jenis kelamin")
    p.add_argument("--birth-date", dest="col_birth_date", metavar="KOLOM", help="kolom tanggal lahir")
    p.add_argument("--nik", dest="col_nik", metavar="KOLOM", help="kolom NIK")
    p.add_argument("--phone", dest="col_phone", metavar="KOLOM", help="kolom nomor telepon")
    p.add_argument("--region", dest="col_region", metavar="KOLOM", help="kolom kode wilayah Kemendagri")
    p.add_argument("--backend", choices=("duckdb", "spark"), default="duckdb", help="mesin (bawaan: duckdb)")
    p.add_argument("--model", type=Path, help="model tersimpan (JSON) untuk menilai tanpa melatih")
    p.add_argument("--save-model", type=Path, help="simpan model yang dilatih ke berkas JSON ini")
    p.add_argument(
        "--model-version", default="", help="nomor versi model yang disimpan (dengan --save-model)"
    )
    p.add_argument("--encoding", default="utf-8-sig", help="penyandian berkas (bawaan: utf-8, juga cp1252)")
    p.add_argument("--quiet", action="store_true", help="tanpa bilah kemajuan")


def read_records(path: str, columns: dict[str, str], encoding: str):
    """The input as a DataFrame with the canonical column names; InputError on anything unusable."""
    import pandas as pd

    if not os.path.isfile(path):
        raise InputError(f"berkas masukan tidak ditemukan: {path}")
    with open(path, "rb") as handle:
        if not handle.read(4096).strip():
            raise InputError("berkas masukan kosong (tidak ada baris judul kolom)")
    try:
        frame = pd.read_csv(
            path, dtype=str, keep_default_na=False, encoding=encoding, sep=None, engine="python"
        )
    except UnicodeDecodeError as exc:
        raise InputError(
            f"berkas bukan {'UTF-8' if encoding.lower().startswith('utf') else encoding} (byte tak terbaca di posisi {exc.start}); simpan ulang sebagai UTF-8 "
            "atau sebutkan penyandiannya, misalnya --encoding cp1252"
        ) from exc
    except LookupError as exc:
        raise InputError(f"penyandian tidak dikenal: {encoding}") from exc
    except pd.errors.EmptyDataError as exc:
        raise InputError("berkas masukan kosong (tidak ada baris judul kolom)") from exc
    except (pd.errors.ParserError, csv.Error) as exc:
        raise InputError(f"berkas bukan CSV yang terbaca: {exc}") from exc
    if frame.empty:
        raise InputError("berkas masukan tidak berisi rekaman (hanya baris judul)")
    missing = [column for column in columns.values() if column not in frame.columns]
    if missing:
        raise InputError(
            f"kolom tidak ada di berkas: {', '.join(missing)} (kolom yang ada: {', '.join(map(str, frame.columns))})"
        )
    records = pd.DataFrame({canonical: frame[column] for canonical, column in columns.items()})
    ids = records["unique_id"].str.strip()
    if (ids == "").any():
        raise InputError(f"kolom id kosong di baris {int((ids == '').to_numpy().argmax()) + 2}")
    duplicated = ids[ids.duplicated()]
    if not duplicated.empty:
        raise InputError(f"id tidak unik: {duplicated.iloc[0]!r} muncul lebih dari sekali")
    records["unique_id"] = ids
    return records


def write_clusters(path: str, ids, clusters) -> None:
    """Writes id,cluster atomically: a temporary file beside the target, renamed when complete."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "cluster"])
            writer.writerows(zip(ids, clusters, strict=True))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def run(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sinergi.exchange.linkage import model as linkage_model
    from sinergi.exchange.linkage.features import prepare
    from sinergi.exchange.linkage.pipeline import link

    columns = {canonical: getattr(args, f"col_{option}") for option, canonical, _ in COLUMN_OPTIONS}
    columns = {canonical: column for canonical, column in columns.items() if column}
    out_dir = os.path.dirname(os.path.abspath(args.output))
    if not os.path.isdir(out_dir):
        print(f"sinergi: folder keluaran tidak ada: {out_dir}", file=sys.stderr)
        return 2
    bar = tqdm(total=len(STAGES), desc="Menautkan", unit="tahap", disable=args.quiet, file=sys.stderr)

    def stage(name: str) -> None:
        bar.set_postfix_str(STAGES[name])
        bar.update(1)

    try:
        stage("read")
        records = read_records(args.input, columns, args.encoding)
        stage("prepare")
        features = prepare(records)
        train = None if args.model is None else False
        if args.model is None and len(features) < linkage_model.MIN_TRAIN_ROWS:
            bar.write(
                f"{len(features)} rekaman terlalu sedikit untuk melatih model sendiri "
                f"(minimal {linkage_model.MIN_TRAIN_ROWS}); memakai model bawaan",
                file=sys.stderr,
            )
            bar.update(1)
        result = link(
            features,
            backend=args.backend,
            model_path=args.model,
            train=train,
            on_stage=stage,
        )
        if args.save_model is not None and result.trained:
            linkage_model.save_dict(
                result.model,
                args.save_model,
                version=args.model_version or "1",
                trained_on_records=len(features),
                note=f"sinergi link {os.path.basename(args.input)}",
            )
        cluster_of = dict(zip(result.clusters["unique_id"], result.clusters["cluster_id"], strict=True))
        ids = records["unique_id"].tolist()
        stage("write")
        write_clusters(args.output, ids, [cluster_of.get(i, i) for i in ids])
    except InputError as exc:
        bar.close()
        print(f"sinergi: {exc}", file=sys.stderr)
        return 2
    except linkage_model.ModelError as exc:
        bar.close()
        print(f"sinergi: model tidak dapat dipakai: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        bar.close()
        print("sinergi: dihentikan; tidak ada berkas hasil yang ditulis", file=sys.stderr)
        return 130
    except OSError as exc:
        bar.close()
        print(f"sinergi: gagal membaca/menulis: {exc}", file=sys.stderr)
        return 2
    bar.close()
    merged = len(ids) - len({cluster_of.get(i, i) for i in ids})
    print(
        f"Selesai: {len(ids)} rekaman, {len(ids) - merged} orang ({merged} rekaman digabung). Hasil: {args.output}",
        file=sys.stderr,
    )
    return 0
