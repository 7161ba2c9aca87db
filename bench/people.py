#!/usr/bin/env python
"""People benchmark: bulk load N synthetic people into PostgreSQL, then time the product's searches.

    .venv/bin/python bench/people.py                      # 1,000,000 people
    .venv/bin/python bench/people.py --people 100000
    .venv/bin/python bench/people.py --skip-load           # measure again on the data already loaded

DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sinergi_bench_people) names the database; it is created
and migrated if needed, and its people are replaced by the load. Output, one `name: value unit` line per figure:

    people_load_rate      rows/s for the whole load: generating, encrypting and blind-indexing NIK, passport
                          and phone exactly as the product does (sinergi.core.crypto via sinergi.people.identifiers,
                          in a process pool), COPY, rebuilding the indexes and ANALYZE
    nik_lookup_p95        person_list(user=…, query=<a 16-digit NIK>), first page fetched
    phone_lookup_p95      person_list(user=…, query=<a phone number as typed, 0812-…>), first page fetched
    name_search_p95       person_list(user=…, query=<name>), first page (25 rows) fetched; the queries mix
                          "first-name + start of last name", full names and a single surname, taken from people
                          in the table
    name_search_admin_p95 the same as a platform administrator (no agency filter: the widest search)
    bare_query_p95        the anchor: a trivial ORM query (one agency by primary key) on the same connection

Measured as a case worker of the agency that recorded 40% of the people, through the selectors (restrict, search,
select_related, decryption of the fetched rows), not through hand-written SQL.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import benchdb  # noqa: E402 (bench/, beside this script)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/sinergi_bench_people"
CHUNK = 20_000
SEED = 20261128
AGENCY_SHARES = (
    ("bench-bp3mi-kalsel", 40),
    ("bench-polda-ntb", 30),
    ("bench-dinsos-ntt", 20),
    ("bench-kbri-kl", 10),
)
PAGE = 25


# Generation runs in worker processes (fork): each chunk is deterministic from its number, so the measuring
# phase can rebuild any person's NIK and phone from their id without storing plaintext anywhere.
_WORLD: dict = {}


class _Draw:
    """Cheap deterministic draws for one person (splitmix64 over the id): seeding a Mersenne Twister per row
    cost as much as encrypting it."""

    def __init__(self, pid: int):
        self.state = (SEED * 0x9E3779B97F4A7C15 + pid) & 0xFFFFFFFFFFFFFFFF

    def next(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        return self.next() % n

    def chance(self, percent: int) -> bool:
        return self.next() % 100 < percent


def _person_plain(pid: int) -> dict:
    """The synthetic person with this id (1-based): same result in every process and every run."""
    from sinergi.people.nik import nik_build

    draw = _Draw(pid)
    districts = _WORLD["districts"]
    district = districts[pid % len(districts)]
    serial = (pid // len(districts)) % 9999 + 1
    sex = "F" if draw.chance(55) else "M"
    birth = date(1960, 1, 1) + timedelta(days=draw.below(365 * 45))
    given = _WORLD["female_first"] if sex == "F" else _WORLD["male_first"]
    first = given[draw.below(len(given))]
    middle = given[draw.below(len(given))] if draw.chance(40) else ""
    last = _WORLD["last"][draw.below(len(_WORLD["last"]))]
    name = " ".join(part for part in (first, middle, last) if part)
    if draw.chance(5):
        name = ("Hj. " if sex == "F" else "H. ") + name
    return {
        "id": pid,
        "full_name": name,
        "sex": sex,
        "birth_date": birth,
        "nik": nik_build(district, birth, sex, serial),
        "phone": f"+62812{pid:08d}"[:14],
        "village": _WORLD["villages"][pid % len(_WORLD["villages"])],
        "passport": f"C{pid:07d}" if draw.chance(10) else "",
        "agency": _WORLD["agency_cycle"][pid % len(_WORLD["agency_cycle"])],
    }


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(values) -> str:
    """One line of PostgreSQL COPY text format."""
    return "\t".join("\\N" if value is None else str(value).translate(_COPY_ESCAPES) for value in values)


def _build_chunk(bounds: tuple[int, int]) -> tuple[str, str, int]:
    from sinergi.core import crypto
    from sinergi.people import identifiers
    from sinergi.people.names import normalise_name

    start, stop = bounds
    now = "2026-11-28 00:00:00+00"
    names: dict[str, str] = {}  # the same full name recurs often; normalise each once per chunk
    people, phones = [], []
    for pid in range(start, stop):
        person = _person_plain(pid)
        normalised = names.get(person["full_name"])
        if normalised is None:
            normalised = names[person["full_name"]] = normalise_name(person["full_name"])
        passport = identifiers.normalise_passport(person["passport"])
        people.append(
            _copy_text(
                [
                    pid,
                    person["full_name"],
                    normalised,
                    " " + normalised,
                    "[]",
                    person["sex"],
                    person["birth_date"].isoformat(),
                    "",
                    crypto.encrypt(person["nik"]),
                    identifiers.nik_index(person["nik"]),
                    crypto.encrypt(passport) if passport else "",
                    identifiers.passport_index(passport) if passport else "",
                    "ID",
                    person["village"],
                    "",
                    person["agency"],
                    None,
                    now,
                    now,
                    1,
                ]
            )
        )
        # The E.164 form normalise_phone gives for "0812…" (checked on a sample in main()); parsing a million
        # numbers with phonenumbers would double the load time without changing a byte.
        e164 = person["phone"]
        phones.append(_copy_text([pid, pid, crypto.encrypt(e164), identifiers.phone_index(e164), "HP"]))
    return "\n".join(people) + "\n", "\n".join(phones) + "\n", stop - start


PERSON_COLUMNS = (
    "id, full_name, name_normalised, search_names, aliases, sex, birth_date, birth_place, nik, nik_index, "
    "passport_number, passport_index, nationality, address_region_id, address_detail, owner_agency_id, "
    "created_by_id, created_at, updated_at, version"
)


def _prepare_world() -> None:
    from faker import Faker

    from sinergi.regions.models import Region

    fake = Faker("id_ID")
    fake.seed_instance(SEED)
    provider = fake.provider("faker.providers.person")
    _WORLD["female_first"] = sorted(set(provider.first_names_female))
    _WORLD["male_first"] = sorted(set(provider.first_names_male))
    _WORLD["last"] = sorted(set(provider.last_names))
    _WORLD["districts"] = list(
        Region.objects.filter(level=3).order_by("code").values_list("digits", flat=True)
    )
    _WORLD["villages"] = list(Region.objects.filter(level=4).order_by("code").values_list("code", flat=True))


def _ensure_agencies_and_users():
    from sinergi.agencies.choices import AgencyType, Role
    from sinergi.agencies.models import Agency, User, UserRole

    agencies = []
    for code, _share in AGENCY_SHARES:
        agency, _ = Agency.objects.get_or_create(code=code, defaults={"name": code, "type": AgencyType.BP3MI})
        agencies.append(agency)
    worker, _ = User.objects.get_or_create(username="bench-caseworker", defaults={"agency": agencies[0]})
    UserRole.objects.get_or_create(user=worker, role=Role.CASE_WORKER)
    admin, _ = User.objects.get_or_create(
        username="bench-platformadmin", defaults={"is_superuser": True, "is_staff": True}
    )
    cycle = []
    for agency, (_code, share) in zip(agencies, AGENCY_SHARES, strict=True):
        cycle += [agency.pk] * share
    _WORLD["agency_cycle"] = cycle
    return agencies, worker, admin


def load(n: int, workers: int) -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE people_personphone, people_personhandle, people_person RESTART IDENTITY CASCADE"
        )
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN ('people_person', 'people_personphone') "
            "AND indexname NOT LIKE '%%_pkey'"
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid IN ('people_person'::regclass, 'people_personphone'::regclass) AND contype IN ('u', 'f')"
        )
        constraints = cursor.fetchall()
        for name, table, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename IN ('people_person', 'people_personphone') "
            "AND indexname NOT LIKE '%%_pkey'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX IF EXISTS "{name}"')

    started = time.perf_counter()
    bounds = [(start, min(start + CHUNK, n + 1)) for start in range(1, n + 1, CHUNK)]
    raw = connection.connection
    done = 0
    context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool, raw.cursor() as cursor:
        for people_text, phones_text, count in pool.imap(_build_chunk, bounds):
            with cursor.copy(f"COPY people_person ({PERSON_COLUMNS}) FROM STDIN") as copy:
                copy.write(people_text)
            with cursor.copy(
                "COPY people_personphone (id, person_id, number, number_index, label) FROM STDIN"
            ) as copy:
                copy.write(phones_text)
            done += count
            print(f"  loaded {done:,}/{n:,}", file=sys.stderr, end="\r")
    print(file=sys.stderr)
    with connection.cursor() as cursor:
        constraint_names = {name for name, _table, _definition in constraints}
        for name, definition in indexes:
            if name not in constraint_names:
                cursor.execute(definition)
        for name, table, definition in constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SELECT setval(pg_get_serial_sequence('people_person', 'id'), %s)", [n + 1])
        cursor.execute("SELECT setval(pg_get_serial_sequence('people_personphone', 'id'), %s)", [n + 1])
        cursor.execute("ANALYZE people_person")
        cursor.execute("ANALYZE people_personphone")
    elapsed = time.perf_counter() - started
    return n / elapsed


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18] * 1000


def _time(fn, queries) -> list[float]:
    samples = []
    for query in queries:
        started = time.perf_counter()
        fn(query)
        samples.append(time.perf_counter() - started)
    return samples


def measure(n: int, worker, admin, samples: int) -> dict[str, float]:
    from sinergi.agencies.models import Agency
    from sinergi.people.selectors import person_list

    rng = random.Random(SEED)
    people = [_person_plain(rng.randint(1, n)) for _ in range(samples)]
    mine = [p for p in people if p["agency"] == worker.agency_id] or people

    def name_query(person: dict, kind: int) -> str:
        words = person["full_name"].replace("Hj. ", "").replace("H. ", "").split()
        if kind == 0:
            return f"{words[0]} {words[-1][: max(3, len(words[-1]) // 2)]}"
        if kind == 1:
            return " ".join(words)
        return words[-1]

    name_queries = [name_query(p, i % 3) for i, p in enumerate(mine)]
    nik_queries = [p["nik"] for p in mine]
    phone_queries = ["0" + p["phone"][3:6] + "-" + p["phone"][6:10] + "-" + p["phone"][10:] for p in mine]

    def search(user):
        return lambda q: list(person_list(user=user, query=q)[:PAGE])

    # Warm-up: caches, connection, role lookups.
    for q in name_queries[:30] + nik_queries[:30]:
        search(worker)(q)
        search(admin)(q)
    found = sum(1 for q in nik_queries[:50] if search(worker)(q))
    assert found == min(50, len(nik_queries)), f"NIK lookups found {found} of 50"
    found = sum(1 for q in phone_queries[:50] if search(worker)(q))
    assert found == min(50, len(phone_queries)), f"phone lookups found {found} of 50"
    agency_ids = list(Agency.objects.values_list("pk", flat=True))
    return {
        "nik_lookup_p95": _p95(_time(search(worker), nik_queries)),
        "phone_lookup_p95": _p95(_time(search(worker), phone_queries)),
        "name_search_p95": _p95(_time(search(worker), name_queries)),
        "name_search_admin_p95": _p95(_time(search(admin), name_queries)),
        "bare_query_p95": _p95(
            _time(lambda pk: list(Agency.objects.filter(pk=pk)[:1]), [rng.choice(agency_ids) for _ in mine])
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--samples", type=int, default=1000, help="queries timed per figure")
    parser.add_argument("--skip-load", action="store_true", help="measure the data already loaded")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_URL)
    if not url.startswith("postgres"):
        sys.exit("bench/people.py needs PostgreSQL (DATABASE_URL=postgres://...)")
    benchdb.ensure_database(url)
    benchdb.setup_django(url)

    from django.core.management import call_command
    from django.db import connection

    from sinergi.people.models import Person
    from sinergi.regions.models import Region
    from sinergi.regions.services import regions_load

    call_command("migrate", verbosity=0)
    if Region.objects.filter(level=4).count() < 80_000:
        print("  loading regions…", file=sys.stderr)
        regions_load()
    _prepare_world()
    _agencies, worker, admin = _ensure_agencies_and_users()
    from sinergi.people.identifiers import normalise_phone

    for pid in random.Random(SEED).sample(range(1, args.people + 1), min(200, args.people)):
        phone = _person_plain(pid)["phone"]
        assert normalise_phone("0" + phone[3:]) == phone, phone
    if args.skip_load:
        if Person.objects.count() < args.people:
            sys.exit(f"--skip-load: the database holds fewer than {args.people:,} people")
    else:
        rate = load(args.people, args.workers)
        print(f"people_load_rate: {rate:,.0f} rows/s".replace(",", ""))
    connection.close()
    figures = measure(args.people, worker, admin, args.samples)
    for name, value in figures.items():
        print(f"{name}: {value:.2f} ms")
    print(f"people: {Person.objects.count()} rows")


if __name__ == "__main__":
    main()
