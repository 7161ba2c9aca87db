"""`sinergi link`: link any CSV of person records into clusters, outside the web app.

    sinergi link records.csv [other.csv] -o clusters.csv --id ID --name NAMA [--sex JK]
                 [--birth-date TGL_LAHIR] [--nik NIK] [--phone HP] [--region KODE_WILAYAH] [--address ALAMAT]
                 [--postcode KODE_POS] [--one-to-one] [--backend duckdb|spark] [--model M.json]
                 [--save-model M.json --model-version V] [--encoding cp1252] [--quiet]

One file: its records are deduplicated; writes `id,cluster` for every input row, in input order: rows with the
same cluster are the same person. Two files (the same column names in both): only pairs across the files are
scored (Splink's link_only), ids need be unique only within their file, and the output is `source,id,cluster`
(source 1 or 2, the file's place on the command line; the cluster is "source:id" of one of its records), the
first file's rows first. `--one-to-one` (two files) pairs each record with at most one of the other file, its
best match, for files that each hold a person once.
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
    ("address", "address", False),
    ("postcode", "postcode", False),
)
STAGES = {"read": "membaca", "prepare": "menormalkan", "train": "melatih model", "predict": "menilai pasangan",
          "cluster": "mengelompokkan", "write": "menulis"}  # fmt: skip


class InputError(Exception):
    """Bad input, with the message for the user (Indonesian, like the rest of the console script)."""


def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "link",
        help="tautkan rekaman orang dalam berkas CSV (id,cluster)",
        description=(
            "Tautkan rekaman orang yang sama dalam berkas CSV; tulis id,cluster untuk setiap baris. "
            "Dengan dua berkas: tautkan berkas pertama ke berkas kedua; tulis source,id,cluster."
        ),
    )
    p.add_argument(
        "input",
        nargs="+",
        metavar="input",
        help="berkas CSV masukan (baris pertama: nama kolom); dua berkas: tautkan berkas pertama ke berkas kedua",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        help="berkas CSV hasil id,cluster; dua berkas: source,id,cluster (ditulis utuh di akhir)",
    )
    p.add_argument("--id", required=True, dest="col_id", metavar="KOLOM", help="kolom id unik")
    p.add_argument("--name", required=True, dest="col_name", metavar="KOLOM", help="kolom nama lengkap")
    p.add_argument("--sex", dest="col_sex", metavar="KOLOM", help="kolom jenis kelamin")
    p.add_argument("--birth-date", dest="col_birth_date", metavar="KOLOM", help="kolom tanggal lahir")
    p.add_argument("--nik", dest="col_nik", metavar="KOLOM", help="kolom NIK")
    p.add_argument("--phone", dest="col_phone", metavar="KOLOM", help="kolom nomor telepon")
    p.add_argument("--region", dest="col_region", metavar="KOLOM", help="kolom kode wilayah Kemendagri")
    p.add_argument("--address", dest="col_address", metavar="KOLOM", help="kolom alamat (teks bebas)")
    p.add_argument("--postcode", dest="col_postcode", metavar="KOLOM", help="kolom kode pos")
    p.add_argument(
        "--one-to-one",
        action="store_true",
        help="dua berkas: setiap rekaman dipasangkan paling banyak dengan satu rekaman berkas lain",
    )
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


def _read_source(path: str, columns: dict[str, str], encoding: str, *, named: bool):
    try:
        return read_records(path, columns, encoding)
    except InputError as exc:
        if named:  # with two files, say which one
            raise InputError(f"{os.path.basename(path)}: {exc}") from exc
        raise


def write_clusters(path: str, header: list[str], rows) -> None:
    """Writes the header and rows atomically: a temporary file beside the target, renamed when complete."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
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
        if len(args.input) > 2:
            raise InputError("paling banyak dua berkas masukan")
        if args.one_to_one and len(args.input) != 2:
            raise InputError("--one-to-one hanya untuk dua berkas masukan")
        sources = [
            _read_source(path, columns, args.encoding, named=len(args.input) > 1) for path in args.input
        ]
        stage("prepare")
        features = [prepare(records) for records in sources]
        rows = sum(len(f) for f in features)
        train = None if args.model is None else False
        if args.model is None and rows < linkage_model.MIN_TRAIN_ROWS:
            bar.write(
                f"{rows} rekaman terlalu sedikit untuk melatih model sendiri "
                f"(minimal {linkage_model.MIN_TRAIN_ROWS}); memakai model bawaan",
                file=sys.stderr,
            )
            bar.update(1)
        result = link(
            features[0],
            other=features[1] if len(features) == 2 else None,
            one_to_one=args.one_to_one,
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
                trained_on_records=rows,
                note=f"sinergi link {' '.join(os.path.basename(path) for path in args.input)}",
            )
        clusters = result.clusters
        stage("write")
        if len(sources) == 1:
            cluster_of = dict(zip(clusters["unique_id"], clusters["cluster_id"], strict=True))
            ids = sources[0]["unique_id"].tolist()
            out = [(i, cluster_of.get(i, i)) for i in ids]
            write_clusters(args.output, ["id", "cluster"], out)
        else:
            cluster_of = dict(
                zip(
                    zip(clusters["source"], clusters["unique_id"], strict=True),
                    clusters["cluster_id"],
                    strict=True,
                )
            )
            out = [
                (source, i, cluster_of.get((source, i), f"{source}:{i}"))
                for source, records in zip(("1", "2"), sources, strict=True)
                for i in records["unique_id"].tolist()
            ]
            write_clusters(args.output, ["source", "id", "cluster"], out)
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
    people = len({row[-1] for row in out})
    print(
        f"Selesai: {len(out)} rekaman, {people} orang ({len(out) - people} rekaman digabung). Hasil: {args.output}",
        file=sys.stderr,
    )
    return 0
