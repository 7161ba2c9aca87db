#!/usr/bin/env python
"""Audited writes side by side (issue 14 point 8): does the trail's throughput grow with the writers?

    .venv/bin/python bench/audit_writes.py                    # 10 s per figure, 1 / 4 / 16 writers
    .venv/bin/python bench/audit_writes.py --seconds 20 --writers 1 2 4 8 16

Each writer is its own process with its own PostgreSQL connection (as gunicorn workers are) and appends one audit
entry per transaction (`audit_record`, the path of every audited write and case view) as fast as it can, for
`--seconds`. Measured with one chain (the trail as it was: one lock for everyone) and with `--chains` chains
(decision 0014), then `audit_verify` checks every chain. The anchor, measured in the same run with the same
writers: one plain row inserted and committed per transaction into a table of the bench's own, which is what
the database gives without the chain. Output: one `name: value unit` line per figure.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sinergi_bench_audit"


def _env(url: str, chains: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "SECRET_KEY": "bench-audit-secret-key-not-for-production-" + "x" * 20,
        "SINERGI_FIELD_KEY": "insecure-local-only-field-key",
        "SINERGI_AUDIT_CHAINS": str(chains),
        "PYTHONPATH": str(ROOT),
    }


def _writer(mode: str, start_at: float, seconds: float) -> None:
    """One writer: waits for the common start, then writes until the deadline and prints its count."""
    import django

    django.setup()
    from django.db import connection, transaction

    from sinergi.audit.choices import AuditAction
    from sinergi.audit.services import audit_record

    connection.ensure_connection()
    pid = os.getpid()
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    count = 0
    while time.time() < deadline:
        if mode == "plain":
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("INSERT INTO bench_plain_write (writer, n) VALUES (%s, %s)", [pid, count])
        else:
            with transaction.atomic():
                audit_record(
                    actor=None,
                    action=AuditAction.VIEW,
                    object_type="bench.write",
                    object_id=f"{pid}-{count}",
                    summary="bench write",
                )
        count += 1
    print(count, flush=True)


def _run(url: str, mode: str, chains: int, writers: int, seconds: float) -> float:
    start_at = time.time() + 3.0  # every writer set up and connected before the clock starts
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--writer",
                mode,
                "--start-at",
                str(start_at),
                "--seconds",
                str(seconds),
            ],
            env=_env(url, chains),
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(writers)
    ]
    total = 0
    for proc in procs:
        out, _ = proc.communicate(timeout=seconds + 120)
        if proc.returncode != 0:
            raise SystemExit(f"a writer failed ({mode}, {chains} chains)")
        total += int(out.strip().splitlines()[-1])
    return total / seconds


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 4, 16])
    parser.add_argument("--chains", type=int, default=8)
    parser.add_argument("--writer", choices=["plain", "audit"], help=argparse.SUPPRESS)
    parser.add_argument("--start-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.writer:
        _writer(args.writer, args.start_at, args.seconds)
        return
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    os.environ.update(_env(url, args.chains))
    import benchdb  # bench/, beside this script

    benchdb.ensure_database(url)
    benchdb.setup_django(url)
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_plain_write (id bigserial PRIMARY KEY, writer int, n int)"
        )
    print(f"load_average_start: {os.getloadavg()[0]:.1f}")
    for writers in args.writers:
        print(
            f"plain_writes_{writers}: {_run(url, 'plain', 1, writers, args.seconds):.0f} commits/s",
            flush=True,
        )
        for chains in sorted({1, args.chains}):
            rate = _run(url, "audit", chains, writers, args.seconds)
            print(f"audit_writes_{writers}_chains_{chains}: {rate:.0f} entries/s", flush=True)
    started = time.perf_counter()
    verify = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "audit_verify", "--no-checkpoint"],  # the chains alone
        env=_env(url, args.chains),
        capture_output=True,
        text=True,
    )
    print(f"audit_verify_exit: {verify.returncode} (0 = every chain intact)")
    print(f"audit_verify_time: {time.perf_counter() - started:.1f} s")
    print(f"load_average_end: {os.getloadavg()[0]:.1f}")
    if verify.returncode != 0:
        print(verify.stdout[-2000:] + verify.stderr[-2000:], file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
