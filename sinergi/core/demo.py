"""The demo's machinery: each app registers what it adds to the synthetic demo, and `demo_seed` runs it in order.

Core imports no feature app. An app registers its seeders in its `AppConfig.ready()` with
`register_demo_seeder(name, "sinergi.<app>.demo:<function>", phase=..., order=...)` (a dotted path, so that the
demo's code is imported only when a demo is seeded). Phases, in order:

- `prepare`: outside the transaction, before everything (the regions: skipped with `load_regions=False`);
- `base`: every run, all in one transaction (agencies and users refreshed, people generated once, the audit entry);
- `apps`: only when the demo is seeded for the first time, and not with `app_seeders=False` (`--skip-apps`);
  each gets its own random stream, `random.Random(seed * 1000 + order)`;
- `finish`: last, every run (the platform administrator, whose presence marks a completed first seeding).

A seeder of the first three phases is `fn(run: DemoRun) -> None`, reading and filling the run; an `apps` seeder is
`fn(*, rng, stdout, scale) -> summary`, its summary kept in `run.seeders[name]`. Deterministic: the same
`seed` gives the same data (only ciphertexts differ: encryption uses a fresh nonce). Everything is synthetic.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TextIO, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import connection, transaction
from django.db.models import Model
from django.utils.module_loading import import_string

DEFAULT_PEOPLE = 2000
PHASES = ("prepare", "base", "apps", "finish")


@dataclass
class DemoRun:
    """One run of `demo_seed`: its parameters, and what the seeders found and made (read by later seeders)."""

    seed: int
    scale: int
    people: int
    stdout: TextIO
    first_run: bool = True
    # Logins to print (the agencies seeders fill it); counts the command reports.
    users: list[Any] = field(default_factory=list)
    agencies: int = 0
    people_created: int = 0
    people_existing: int = 0
    seeders: dict[str, object] = field(default_factory=dict)
    # Objects one seeder leaves for the next (the agencies by code, for the people).
    shared: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass(frozen=True)
class DemoSeeder:
    name: str
    target: str  # "package.module:function"
    phase: str
    order: int

    def load(self) -> Callable[..., object]:
        module, _, function = self.target.partition(":")
        fn: Callable[..., object] = import_string(f"{module}.{function}")
        return fn


_seeders: dict[str, DemoSeeder] = {}


def register_demo_seeder(name: str, target: str, *, phase: str, order: int) -> None:
    """Adds a seeder (see the module docstring); registering the same one twice is harmless."""
    if phase not in PHASES:
        raise ImproperlyConfigured(f"unknown demo phase {phase!r}")
    seeder = DemoSeeder(name=name, target=target, phase=phase, order=order)
    if name in _seeders and _seeders[name] != seeder:
        raise ImproperlyConfigured(f"two demo seeders are registered as {name!r}")
    _seeders[name] = seeder


def demo_seeders(phase: str) -> list[DemoSeeder]:
    return sorted((s for s in _seeders.values() if s.phase == phase), key=lambda s: (s.order, s.name))


def _run_phase(run: DemoRun, phase: str) -> None:
    for seeder in demo_seeders(phase):
        seeder.load()(run)


def _run_apps(run: DemoRun) -> None:
    for seeder in demo_seeders("apps"):
        fn = seeder.load()
        started = time.monotonic()
        rng = random.Random(run.seed * 1000 + seeder.order)
        run.seeders[seeder.name] = fn(rng=rng, stdout=run.stdout, scale=run.scale)
        run.stdout.write(f"  {seeder.name}: done in {time.monotonic() - started:.1f} s\n")


def demo_seed(
    *,
    people: int = DEFAULT_PEOPLE,
    seed: int = 42,
    scale: int = 1,
    stdout: TextIO,
    load_regions: bool = True,
    app_seeders: bool = True,
) -> DemoRun:
    """Creates or refreshes the demo. See the module docstring for what is generated and when."""
    started = time.monotonic()
    run = DemoRun(seed=seed, scale=scale, people=people, stdout=stdout)
    if load_regions:
        _run_phase(run, "prepare")
    with transaction.atomic():
        _run_phase(run, "base")
    if not run.first_run:
        stdout.write("Demo data already present: agencies and users refreshed, existing records kept.\n")
    elif app_seeders:
        _run_apps(run)
    _run_phase(run, "finish")
    run.seconds = time.monotonic() - started
    return run


class BulkInserter:
    """Multi-row INSERTs of one model, converting values exactly as the model's fields do.

    Faster than bulk_create for a million rows because no model instance is built; each field's own
    get_db_prep_save still runs, so encrypted fields are encrypted and JSON is adapted as usual. Rows go in
    statements of ROWS_PER_STATEMENT (well under SQLite's and PostgreSQL's parameter limits), and the new ids
    come back with RETURNING in insertion order, as bulk_create relies on too.
    """

    ROWS_PER_STATEMENT = 400

    def __init__(self, model: type[Model]):
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(cast(str, f.column)) for f in self.fields)
        self.row_marks = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        self.pk_column = connection.ops.quote_name(cast(str, model._meta.pk.column))

    def insert(self, rows: list[dict[str, Any]]) -> list[int]:
        """Inserts `rows` and returns their new ids, in the same order."""
        ids: list[int] = []
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.ROWS_PER_STATEMENT):
                part = rows[start : start + self.ROWS_PER_STATEMENT]
                params = [
                    f.get_db_prep_save(row.get(f.attname), connection) for row in part for f in self.fields
                ]
                sql = (
                    f"INSERT INTO {self.table} ({self.columns}) VALUES "  # noqa: S608 (names from the model)
                    + ", ".join([self.row_marks] * len(part))
                    + f" RETURNING {self.pk_column}"
                )
                cursor.execute(sql, params)
                ids.extend(row[0] for row in cursor.fetchall())
        return ids
