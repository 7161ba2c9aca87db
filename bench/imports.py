#!/usr/bin/env python
"""Spreadsheet-import benchmark: preview and commit of a file of N people (default 100,000 rows).

    .venv/bin/python bench/imports.py                     # 100,000 rows, SQLite in a temporary directory
    .venv/bin/python bench/imports.py --rows 10000 --xlsx
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sinergi_bench_import .venv/bin/python bench/imports.py

The file is generated (Faker id_ID names, valid NIKs of South Kalimantan districts, phones written several ways,
dates as "7 Agustus 2025" and 07/08/2025); the run goes through the product's services exactly as the page does
(sinergi.exchange.imports.services: upload, preview = the rows through the people service's bulk create in
rolled-back transactions of 2,000 rows, commit = the same in one transaction). Output, one `name: value unit` line per figure:

    import_read_seconds      upload: reading the file, finding the header, mapping
    import_preview_seconds / import_preview_rate
    import_commit_seconds / import_commit_rate
    csv_parse_rate           the anchor: csv.reader over the same bytes, nothing else
"""

from __future__ import annotations

import argparse
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


def _setup(url: str | None) -> None:
    if url is None:
        url = f"sqlite:///{tempfile.mkdtemp(prefix='sinergi-bench-imports-')}/bench.sqlite3"
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
        phone = f"08{rnd.randrange(11, 99)}{rnd.randrange(10**7, 10**8)}"
        phone = rnd.choice([phone, f"+62 {phone[1:4]}-{phone[4:8]}-{phone[8:]}", f"62{phone[1:]}"])
        written = rnd.choice([f"{born.day} {MONTHS[born.month - 1]} {born.year}", born.strftime("%d/%m/%Y")])
        name = fake.first_name_female() if sex == "F" else fake.first_name_male()
        rows.append(
            [f"{name} {fake.last_name()}", nik, "P" if sex == "F" else "L", written, phone, fake.city()]
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--xlsx", action="store_true", help="write the file as .xlsx instead of CSV")
    parser.add_argument("--profile", help="write a cProfile of the preview to this file")
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
    agency, _ = Agency.objects.get_or_create(
        code="bench-import", defaults={"name": "Bench import", "type": AgencyType.BP3MI}
    )
    user = User.objects.filter(username="bench-importer").first() or User.objects.create_user(
        username="bench-importer", password="x", agency=agency
    )
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
    started = time.perf_counter()
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        batch = profiler.runcall(services.import_run, batch_id=batch.pk)
        profiler.dump_stats(args.profile)
    else:
        batch = services.import_run(batch_id=batch.pk)
    preview_seconds = time.perf_counter() - started
    assert batch.status == "previewed", batch.failure
    ImportBatch.objects.filter(pk=batch.pk).update(status="committing")
    started = time.perf_counter()
    batch = services.import_run(batch_id=batch.pk)
    commit_seconds = time.perf_counter() - started
    assert batch.status == "committed", batch.failure
    rows_count = args.rows
    print(f"import_rows: {rows_count} rows ({'xlsx' if args.xlsx else 'csv'}, {len(data) / 2**20:.1f} MiB)")
    print(f"import_outcomes: {batch.counts}")
    print(f"import_read_seconds: {read_seconds:.1f} s")
    print(f"import_preview_seconds: {preview_seconds:.1f} s")
    print(f"import_preview_rate: {rows_count / preview_seconds:,.0f} rows/s")
    print(f"import_commit_seconds: {commit_seconds:.1f} s")
    print(f"import_commit_rate: {rows_count / commit_seconds:,.0f} rows/s")
    print(f"csv_parse_rate: {rows_count / parse_seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
