"""The demo's people: synthetic person records (Faker id_ID name pools) whose NIKs agree with birth date, sex and
address, owned by the demo agencies of origin provinces. Phone numbers use the 08xx-0000-xxxx blocks so that no
real subscriber is named. Generated once, when no demo agency holds any person yet.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from sinergi.agencies.choices import Role
from sinergi.agencies.demo import KALSEL, ORIGIN_PROVINCES, demo_agencies
from sinergi.agencies.models import Agency, User
from sinergi.core.demo import BulkInserter, DemoRun
from sinergi.people import identifiers
from sinergi.people.models import Person, PersonPhone
from sinergi.people.names import normalise_name
from sinergi.people.nik import nik_build
from sinergi.regions.choices import RegionLevel
from sinergi.regions.models import Region

CHUNK = 5000


@dataclass(frozen=True)
class _Home:
    village: str  # address region code (a village, or a district where villages are not loaded)
    district_digits: str  # 6 digits, the start of the NIK
    birth_place: str


class PeopleGenerator:
    """Yields synthetic Person rows (and their phones) with NIKs that agree with birth date, sex and address."""

    PHONE_PREFIXES = ("812", "813", "821", "822", "852", "853", "857", "877", "878", "895", "896")
    STREETS = ("Dusun", "Jl.", "Gang", "Lingkungan", "Kampung")

    def __init__(self, *, rng: random.Random, agencies: dict[str, Agency], creators: dict[str, User]):
        from faker.providers.person.id_ID import Provider as NameProvider

        self.rng = rng
        self.first_f = list(NameProvider.first_names_female)
        self.first_m = list(NameProvider.first_names_male)
        self.last_f = list(NameProvider.last_names_female)
        self.last_m = list(NameProvider.last_names_male)
        self.homes = self._homes()
        self.owners = [
            (agencies[spec.code], spec.jurisdiction, spec.people_weight)
            for spec in demo_agencies()
            if spec.people_weight and spec.code in agencies
        ]
        self.creators = creators
        self.serials: dict[tuple[str, date, str], int] = {}
        self._normalised_cache: dict[str, str] = {}
        self._phone_cache: dict[str, str] = {}
        self.today = timezone.localdate()

    def _homes(self) -> dict[str, list[_Home]]:
        """Villages of each demo province, with the district digits a NIK issued there starts with."""
        provinces = [KALSEL] + [p.code for p in ORIGIN_PROVINCES]
        regency_names = {
            code: name.removeprefix("Kabupaten ")
            for code, name in Region.objects.filter(level=RegionLevel.REGENCY).values_list("code", "name")
        }
        homes: dict[str, list[_Home]] = {}
        for province in provinces:
            for level in (RegionLevel.VILLAGE, RegionLevel.DISTRICT):
                rows = list(
                    Region.objects.filter(level=level, code__startswith=province + ".")
                    .order_by("code")
                    .values_list("code", flat=True)
                )
                if rows:
                    homes[province] = [
                        _Home(code, code[:8].replace(".", ""), regency_names.get(code[:5], ""))
                        for code in rows
                    ]
                    break
        return homes

    def _name(self, sex: str) -> str:
        rng = self.rng
        first, last = (self.first_f, self.last_f) if sex == "F" else (self.first_m, self.last_m)
        shape = rng.random()
        if shape < 0.15:
            return rng.choice(first)
        if shape < 0.75:
            return f"{rng.choice(first)} {rng.choice(last)}"
        return f"{rng.choice(first)} {rng.choice(first)} {rng.choice(last)}"

    def _serial(self, district: str, birth: date, sex: str) -> int | None:
        key = (district, birth, sex)
        serial = self.serials.get(key, 0) + 1
        if serial > 9999:
            return None
        self.serials[key] = serial
        return serial

    def _normalised(self, full_name: str) -> str:
        # Names repeat (a few hundred given names and surnames), so each is normalised once.
        normalised = self._normalised_cache.get(full_name)
        if normalised is None:
            normalised = self._normalised_cache[full_name] = normalise_name(full_name)[:200]
        return normalised

    def _phone(self) -> tuple[str, str]:
        number = f"+62{self.rng.choice(self.PHONE_PREFIXES)}0000{self.rng.randint(0, 9999):04d}"
        index = self._phone_cache.get(number)
        if index is None:
            index = self._phone_cache[number] = identifiers.phone_index(number)
        return number, index

    def rows(self, count: int) -> Iterator[tuple[dict, list[tuple[str, str]]]]:
        """Yields (person column values by attname, [(E.164 phone, its blind index)])."""
        rng = self.rng
        owners = [owner for owner in self.owners if self.homes.get((owner[1] or KALSEL)[:2])]
        if not owners:
            return
        weights = [weight for _, _, weight in owners]
        now = timezone.now()
        for _ in range(count):
            agency, jurisdiction, _weight = rng.choices(owners, weights)[0]
            home = rng.choice(self.homes[(jurisdiction or KALSEL)[:2]])
            sex = "F" if rng.random() < 0.62 else "M"  # most TPPO victims among PMI are women
            birth = self.today - timedelta(days=rng.randint(17 * 365, 55 * 365))
            serial = self._serial(home.district_digits, birth, sex)
            nik = nik_build(home.district_digits, birth, sex, serial) if serial and rng.random() < 0.9 else ""
            full_name = self._name(sex)
            normalised = self._normalised(full_name)
            aliases = [full_name.split()[0]] if rng.random() < 0.1 else []
            alias_forms = [self._normalised(alias) for alias in aliases]
            passport = f"{rng.choice('ABCEX')}{rng.randint(0, 9999999):07d}" if rng.random() < 0.3 else ""
            created = now - timedelta(days=rng.uniform(0, 730))
            creator = self.creators.get(agency.code)
            person = {
                "full_name": full_name,
                "name_normalised": normalised,
                # The people app's search column: " " + the normalised name and aliases (people/services.py).
                "search_names": " " + " ".join(dict.fromkeys(w for w in [normalised, *alias_forms] if w)),
                "aliases": aliases,
                "sex": sex,
                "birth_date": birth,
                "birth_place": home.birth_place,
                "nik": nik,
                "nik_index": identifiers.nik_index(nik),
                "passport_number": passport,
                "passport_index": identifiers.passport_index(passport),
                "nationality": "ID",
                "address_region_id": home.village,
                "address_detail": (
                    f"{rng.choice(self.STREETS)} {rng.choice(self.last_m)} "
                    f"RT {rng.randint(1, 15):03d}/RW {rng.randint(1, 9):03d}"
                ),
                "owner_agency_id": agency.pk,
                "created_by_id": creator.pk if creator else None,
                "created_at": created,
                "updated_at": created,
                "version": 1,
            }
            phones = [self._phone()] if rng.random() < 0.6 else []
            yield person, phones


def people_create(*, rng: random.Random, count: int, agencies: dict[str, Agency], stdout) -> int:
    """Inserts `count` people (and their phones) in chunks; returns how many were written."""
    creators = {}
    for code, agency in agencies.items():
        creators[code] = (
            User.objects.filter(agency=agency, roles__role=Role.CASE_WORKER).order_by("id").first()
            or User.objects.filter(agency=agency).order_by("id").first()
        )
    generator = PeopleGenerator(rng=rng, agencies=agencies, creators=creators)
    people_table = BulkInserter(Person)
    phone_table = BulkInserter(PersonPhone)
    written = 0
    started = time.monotonic()
    batch: list[tuple[dict, list[tuple[str, str]]]] = []

    def flush():
        nonlocal written
        ids = people_table.insert([person for person, _ in batch])
        phones = [
            {"person_id": person_id, "number": number, "number_index": index, "label": ""}
            for person_id, (_, person_phones) in zip(ids, batch, strict=True)
            for number, index in person_phones
        ]
        if phones:
            phone_table.insert(phones)
        written += len(ids)
        batch.clear()
        if count >= 50_000 and (written % 50_000 == 0 or written == count):
            rate = written / max(time.monotonic() - started, 1e-6)
            stdout.write(f"  {written:,} / {count:,} people ({rate:,.0f}/s)\n")

    for row in generator.rows(count):
        batch.append(row)
        if len(batch) >= CHUNK:
            flush()
    if batch:
        flush()
    return written


def seed_people(run: DemoRun) -> None:
    """Base phase, after the agencies: `run.people` people, only when the demo agencies hold none yet."""
    agencies = run.shared["agencies"]
    run.people_existing = Person.objects.filter(owner_agency__in=agencies.values()).count()
    if run.people_existing == 0:
        run.stdout.write(f"Creating {run.people:,} people...\n")
        run.people_created = people_create(
            rng=random.Random(run.seed), count=run.people, agencies=agencies, stdout=run.stdout
        )
