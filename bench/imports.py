#!/usr/bin/env python
"""Spreadsheet-import benchmark: preview and commit of a file of N people (default 100,000 rows).

    .venv/bin/python bench/imports.py                     # 100,000 rows, SQLite in a temporary directory
    .venv/bin/python bench/imports.py --rows 10000 --xlsx
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinergi_bench_import .venv/bin/python bench/imports.py

A PostgreSQL database is created if missing; each run imports as a new agency, so runs can follow each other on
the same database (drop it afterwards).

The file is generated (Faker id_ID names, valid NIKs of South Kalimantan districts, phones written several ways,
dates as "7 Agustus 2025" and 07/08/2025); the run goes through the product's services exactly as the page does
(sinergi.exchange.imports.services: upload; preview = the rows parsed and through the people service's bulk
check, the validation and lookups of its bulk create, writing nothing; commit = the same validation, then the
bulk create's COPY, in one transaction). Output, one `name: value unit` line per figure:

    import_read_seconds      upload: reading the file, finding the header, mapping
    import_preview_seconds / import_preview_rate
    import_commit_seconds / import_commit_rate
    import_*_cpu_per_row     this process's CPU time per row
    import_*_server_cpu_per_row  the CPU time per row of the PostgreSQL backend serving it (read from /proc;
                             the WAL writer, checkpointer and autovacuum are not in it)
    csv_parse_rate           the anchor: csv.reader over the same bytes, nothing else
    load_average             os.getloadavg() at the end (the machine is shared)
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import io
import os
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SEED = 20261201
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember"]  # fmt: skip
# Indonesian mobile prefixes after "08" (Telkomsel, Indosat, XL, Smartfren, Tri): every generated number is valid,
# so every row is written (an earlier generator drew any 08xx and 11 % of its rows were refused, which is cheap).
MOBILE_PREFIXES = ["11", "12", "13", "21", "22", "23", "51", "52", "53", "55", "56", "57", "58", "77", "78", "81",
                   "82", "83", "95", "96", "97", "98", "99"]  # fmt: skip


def _setup(url: str | None) -> None:
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='sinergi-bench-imports-')}/bench.sqlite3"
    elif url.startswith("postgres"):
        import benchdb  # bench/, beside this script

        benchdb.ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    os.environ.setdefault("SINERGI_FIELD_KEY", "bench-field-key")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rows(count: int, districts: list[str]) -> list[list[str]]:
    from faker import Faker

    from sinergi.people.nik import nik_build

    fake = Faker("id_ID")
    fake.seed_instance(SEED)
    rnd = random.Random(SEED)
    rows = [["Nama Lengkap", "NIK", "L/P", "Tanggal Lahir", "No. HP", "Tempat Lahir"]]
    for serial in range(count):
        sex = rnd.choice("MF")
        born = date(1960, 1, 1) + timedelta(days=rnd.randrange(16000))
        nik = nik_build(rnd.choice(districts), born, sex, 1 + serial % 9999)
        phone = f"08{rnd.choice(MOBILE_PREFIXES)}{rnd.randrange(10**7, 10**8)}"
        phone = rnd.choice([phone, f"+62 {phone[1:4]}-{phone[4:8]}-{phone[8:]}", f"62{phone[1:]}"])
        written = rnd.choice([f"{born.day} {MONTHS[born.month - 1]} {born.year}", born.strftime("%d/%m/%Y")])
        name = fake.first_name_female() if sex == "F" else fake.first_name_male()
        rows.append(
            [f"{name} {fake.last_name()}", nik, "P" if sex == "F" else "L", written, phone, fake.city()]
        )
    return rows


def _server_cpu() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (same machine: /proc), else None."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _timed(run, batch_id: int, profile: str | None):
    """(batch, (wall s, this process's CPU s, the database backend's CPU s or None)) of one import run."""
    server, started, cpu = _server_cpu(), time.perf_counter(), time.process_time()
    if profile:
        profiler = cProfile.Profile()
        batch = profiler.runcall(run, batch_id=batch_id)
        profiler.dump_stats(profile)
    else:
        batch = run(batch_id=batch_id)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    after = _server_cpu()
    return batch, (wall, cpu, None if server is None or after is None else after - server)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="write the file as .xlsx instead of CSV")
    parser.add_argument(
        "--profile", help="write a cProfile of the preview to this file, and of the commit to it + '.commit'"
    )
    args = parser.parse_args()
    _setup(os.environ.get("DATABASE_URL"))

    from sinergi.agencies.choices import AgencyType, Role
    from sinergi.agencies.models import Agency, User, UserRole
    from sinergi.exchange.imports import services
    from sinergi.exchange.models import ImportBatch
    from sinergi.regions.models import Region
    from sinergi.regions.services import regions_load

    if not Region.objects.filter(code="63").exists():
        regions_load(provinces=["63"], max_level=3)
    districts = list(Region.objects.filter(level=3, code__startswith="63.").values_list("digits", flat=True))
    # A new agency per run: the people and provenance of an earlier run belong to another agency, so a second
    # run on the same database creates every row again instead of finding it already imported.
    run = f"{time.time():.0f}"
    agency = Agency.objects.create(
        code=f"bench-import-{run}", name=f"Bench import {run}", type=AgencyType.BP3MI
    )
    user = User.objects.create_user(username=f"bench-importer-{run}", password="x", agency=agency)
    UserRole.objects.get_or_create(user=user, role=Role.CASE_WORKER)

    rows = _rows(args.rows, districts)
    if args.xlsx:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Data")
        for row in rows:
            sheet.append(row)
        out = io.BytesIO()
        book.save(out)
        data, name = out.getvalue(), "bench.xlsx"
    else:
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        data, name = out.getvalue().encode("utf-8-sig"), "bench.csv"

    started = time.perf_counter()
    for _ in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        pass
    parse_seconds = time.perf_counter() - started

    started = time.perf_counter()
    batch = services.import_upload(actor=user, record_type="people", name=name, data=data)
    read_seconds = time.perf_counter() - started
    ImportBatch.objects.filter(pk=batch.pk).update(status="previewing")
    batch, preview = _timed(services.import_run, batch.pk, args.profile)
    assert batch.status == "previewed", batch.failure
    preview_counts = batch.counts
    ImportBatch.objects.filter(pk=batch.pk).update(status="committing")
    batch, commit = _timed(services.import_run, batch.pk, args.profile and args.profile + ".commit")
    assert batch.status == "committed", batch.failure
    rows_count = args.rows
    print(f"import_rows: {rows_count} rows ({'xlsx' if args.xlsx else 'csv'}, {len(data) / 2**20:.1f} MiB)")
    print(f"import_preview_outcomes: {preview_counts}")
    print(f"import_outcomes: {batch.counts}")
    print(f"import_read_seconds: {read_seconds:.1f} s")
    for phase, (wall, cpu, server) in (("preview", preview), ("commit", commit)):
        print(f"import_{phase}_seconds: {wall:.1f} s")
        print(f"import_{phase}_rate: {rows_count / wall:,.0f} rows/s")
        print(f"import_{phase}_cpu_per_row: {1000 * cpu / rows_count:.3f} ms")
        if server is not None:
            print(f"import_{phase}_server_cpu_per_row: {1000 * server / rows_count:.3f} ms")
    print(f"csv_parse_rate: {rows_count / parse_seconds:,.0f} rows/s")
    print(f"load_average: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
