"""The demo data set: agencies of South Kalimantan and their counterparts, users for every role, synthetic people.

Deterministic: the same `seed` gives the same agencies, users and people (only the ciphertexts differ, because
encryption uses a fresh nonce). Everything is synthetic (Faker id_ID pools); phone numbers use the
08xx-0000-xxxx blocks so that no real subscriber is named.

Idempotent: agencies and users are created or refreshed by code and username on every run; people and the
other apps' demo data (`sinergi.<app>.demo.seed`) are only generated when the demo is seeded for the first time.
The platform administrator is written last and marks a completed seeding.
"""

from __future__ import annotations

import importlib
import importlib.util
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from sinergi.agencies.choices import AgencyType, Role
from sinergi.agencies.models import Agency, User, UserRole
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.people import identifiers
from sinergi.people.models import Person, PersonPhone
from sinergi.people.names import normalise_name
from sinergi.people.nik import nik_build
from sinergi.regions.choices import RegionLevel
from sinergi.regions.models import Region

DEMO_PASSWORD = "Sinergi-demo-2026"  # noqa: S105 (printed for everyone: a demo has no secrets)
PLATFORM_ADMIN = "sinergi.admin"
DEFAULT_PEOPLE = 2000
APP_SEEDERS = ("cases", "detection", "outreach", "analytics")
CHUNK = 5000

# Username part for each role: kalsel.bp3mi.supervisor, ntb.polda.investigator...
ROLE_LOGIN = {
    Role.AGENCY_ADMIN: "admin",
    Role.CASE_WORKER: "caseworker",
    Role.INVESTIGATOR: "investigator",
    Role.SUPERVISOR: "supervisor",
    Role.ANALYST: "analyst",
    Role.OUTREACH_OFFICER: "outreach",
    Role.CHILD_PROTECTION: "childprotection",
    Role.READ_ONLY: "readonly",
}
ALL_ROLES = tuple(ROLE_LOGIN)


@dataclass(frozen=True)
class DemoAgency:
    code: str
    login: str  # username prefix
    name: str
    type: str
    jurisdiction: str | None  # Kemendagri region code; None for national bodies and missions abroad
    country: str = "ID"
    roles: tuple[str, ...] = ()
    # Share of the demo people this agency recorded (origin-province agencies record their own residents).
    people_weight: int = 0


@dataclass(frozen=True)
class OriginProvince:
    code: str
    login: str
    short: str
    long: str
    people_weight: int


# Where South Kalimantan's migrant workers and trafficking victims come from, and where its cases are referred.
ORIGIN_PROVINCES = (
    OriginProvince("52", "ntb", "NTB", "Nusa Tenggara Barat", 22),
    OriginProvince("53", "ntt", "NTT", "Nusa Tenggara Timur", 18),
    OriginProvince("35", "jatim", "Jatim", "Jawa Timur", 16),
    OriginProvince("33", "jateng", "Jateng", "Jawa Tengah", 10),
    OriginProvince("32", "jabar", "Jabar", "Jawa Barat", 10),
    OriginProvince("71", "sulut", "Sulut", "Sulawesi Utara", 4),
    OriginProvince("61", "kalbar", "Kalbar", "Kalimantan Barat", 6),
)
KALSEL = "63"
KALSEL_PEOPLE_WEIGHT = 14


def demo_agencies() -> list[DemoAgency]:
    """Every demo agency with the roles its demo users hold."""
    kalsel = [
        DemoAgency(
            "bp3mi-kalsel",
            "kalsel.bp3mi",
            "BP3MI Kalimantan Selatan",
            AgencyType.BP3MI,
            KALSEL,
            roles=ALL_ROLES,
            people_weight=KALSEL_PEOPLE_WEIGHT,
        ),
        DemoAgency(
            "polda-kalsel",
            "kalsel.polda",
            "Subdit TPPO Ditreskrimum Polda Kalsel",
            AgencyType.POLRI,
            KALSEL,
            roles=(Role.AGENCY_ADMIN, Role.INVESTIGATOR, Role.SUPERVISOR, Role.ANALYST, Role.READ_ONLY),
        ),
        DemoAgency(
            "dinsos-kalsel",
            "kalsel.dinsos",
            "Dinas Sosial Provinsi Kalsel",
            AgencyType.DINSOS,
            KALSEL,
            roles=(Role.AGENCY_ADMIN, Role.CASE_WORKER, Role.SUPERVISOR),
        ),
        DemoAgency(
            "uptdppa-kalsel",
            "kalsel.uptdppa",
            "UPTD PPA Provinsi Kalsel",
            AgencyType.UPTD_PPA,
            KALSEL,
            roles=(Role.AGENCY_ADMIN, Role.CASE_WORKER, Role.CHILD_PROTECTION, Role.SUPERVISOR),
        ),
        DemoAgency(
            "imigrasi-banjarmasin",
            "kalsel.imigrasi",
            "Kantor Imigrasi Kelas I TPI Banjarmasin",
            AgencyType.IMIGRASI,
            "63.71",
            roles=(Role.AGENCY_ADMIN, Role.CASE_WORKER, Role.SUPERVISOR),
        ),
        DemoAgency(
            "disnaker-kalsel",
            "kalsel.disnaker",
            "Disnaker Provinsi Kalsel",
            AgencyType.DISNAKER,
            KALSEL,
            roles=(Role.AGENCY_ADMIN, Role.CASE_WORKER, Role.OUTREACH_OFFICER, Role.ANALYST),
        ),
        DemoAgency(
            "dinkes-kalsel",
            "kalsel.dinkes",
            "Dinas Kesehatan Provinsi Kalsel",
            AgencyType.DINKES,
            KALSEL,
            roles=(Role.AGENCY_ADMIN, Role.CASE_WORKER),
        ),
    ]
    origin = []
    for province in ORIGIN_PROVINCES:
        origin += [
            DemoAgency(
                f"bp3mi-{province.login}",
                f"{province.login}.bp3mi",
                f"BP3MI {province.long}",
                AgencyType.BP3MI,
                province.code,
                roles=(Role.AGENCY_ADMIN, Role.CASE_WORKER, Role.SUPERVISOR, Role.OUTREACH_OFFICER),
                people_weight=province.people_weight,
            ),
            DemoAgency(
                f"polda-{province.login}",
                f"{province.login}.polda",
                f"Subdit TPPO Ditreskrimum Polda {province.short}",
                AgencyType.POLRI,
                province.code,
                roles=(Role.INVESTIGATOR, Role.SUPERVISOR),
            ),
            DemoAgency(
                f"dinsos-{province.login}",
                f"{province.login}.dinsos",
                f"Dinas Sosial Provinsi {province.short}",
                AgencyType.DINSOS,
                province.code,
                roles=(Role.CASE_WORKER,),
            ),
            DemoAgency(
                f"uptdppa-{province.login}",
                f"{province.login}.uptdppa",
                f"UPTD PPA Provinsi {province.short}",
                AgencyType.UPTD_PPA,
                province.code,
                roles=(Role.CASE_WORKER, Role.CHILD_PROTECTION),
            ),
        ]
    national_and_abroad = [
        DemoAgency(
            "lpsk",
            "lpsk",
            "Lembaga Perlindungan Saksi dan Korban (LPSK)",
            AgencyType.LPSK,
            None,
            roles=(Role.AGENCY_ADMIN, Role.CASE_WORKER, Role.SUPERVISOR),
        ),
        DemoAgency(
            "imigrasi-entikong",
            "entikong.imigrasi",
            "Imigrasi PLBN Entikong",
            AgencyType.IMIGRASI,
            "61.03.21",
            roles=(Role.CASE_WORKER, Role.SUPERVISOR),
        ),
        DemoAgency(
            "imigrasi-nunukan",
            "nunukan.imigrasi",
            "Imigrasi Nunukan (Pelabuhan Tunon Taka)",
            AgencyType.IMIGRASI,
            "65.03",
            roles=(Role.CASE_WORKER, Role.SUPERVISOR),
        ),
        DemoAgency(
            "kbri-kuala-lumpur",
            "kbri.kualalumpur",
            "KBRI Kuala Lumpur",
            AgencyType.KBRI,
            None,
            "MY",
            roles=(Role.CASE_WORKER, Role.SUPERVISOR),
        ),
        DemoAgency(
            "kbri-phnom-penh",
            "kbri.phnompenh",
            "KBRI Phnom Penh",
            AgencyType.KBRI,
            None,
            "KH",
            roles=(Role.CASE_WORKER,),
        ),
        DemoAgency(
            "kbri-riyadh", "kbri.riyadh", "KBRI Riyadh", AgencyType.KBRI, None, "SA", (Role.CASE_WORKER,)
        ),
        DemoAgency(
            "kjri-hong-kong",
            "kjri.hongkong",
            "KJRI Hong Kong",
            AgencyType.KBRI,
            None,
            "HK",
            (Role.CASE_WORKER,),
        ),
        DemoAgency(
            "ngo-peduli-migran",
            "ngo.pedulimigran",
            "Yayasan Peduli Pekerja Migran",
            AgencyType.NGO,
            KALSEL,
            roles=(Role.OUTREACH_OFFICER, Role.CASE_WORKER),
        ),
    ]
    return kalsel + origin + national_and_abroad


@dataclass
class DemoResult:
    agencies: int = 0
    users: list[User] = field(default_factory=list)
    people_created: int = 0
    people_existing: int = 0
    first_run: bool = True
    seeders: dict[str, object] = field(default_factory=dict)
    seconds: float = 0.0


def regions_ensure(*, stdout) -> None:
    """Loads every Indonesian region when none are loaded yet (the demo's addresses and NIKs need villages)."""
    from sinergi.regions.services import regions_load

    if Region.objects.filter(level=RegionLevel.VILLAGE).exists():
        return
    stdout.write("Loading the Kemendagri regions (about 92,000; once)...\n")
    count = regions_load()
    stdout.write(f"  {count} regions loaded\n")


def _agencies_upsert(fake: Faker) -> dict[str, Agency]:
    known_regions = set(
        Region.objects.filter(
            code__in=[a.jurisdiction for a in demo_agencies() if a.jurisdiction]
        ).values_list("code", flat=True)
    )
    result = {}
    for spec in demo_agencies():
        values = {
            "name": spec.name,
            "type": spec.type,
            "country": spec.country,
            "jurisdiction_id": spec.jurisdiction if spec.jurisdiction in known_regions else None,
            "email": f"{spec.code}@demo.sinergi.id",
            "phone": f"+62{fake.numerify('21000#####')}",
            "is_active": True,
        }
        agency, _ = Agency.objects.update_or_create(code=spec.code, defaults=values)
        result[spec.code] = agency
    return result


def _users_upsert(fake: Faker, agencies: dict[str, Agency], password_hash: str) -> list[User]:
    users = []
    for spec in demo_agencies():
        for role in spec.roles:
            username = f"{spec.login}.{ROLE_LOGIN[role]}"
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": fake.first_name(),
                    "last_name": fake.last_name(),
                    "email": f"{username}@demo.sinergi.id",
                    "agency": agencies[spec.code],
                    "password": password_hash,
                    "is_active": True,
                    "is_staff": False,
                    "is_superuser": False,
                    "failed_login_count": 0,
                    "locked_until": None,
                },
            )
            UserRole.objects.filter(user=user).exclude(role=role).delete()
            UserRole.objects.get_or_create(user=user, role=role)
            user._role_codes = None
            users.append(user)
    return users


def _platform_admin_upsert(password_hash: str) -> User:
    admin, _ = User.objects.update_or_create(
        username=PLATFORM_ADMIN,
        defaults={
            "first_name": "Admin",
            "last_name": "Platform",
            "email": f"{PLATFORM_ADMIN}@demo.sinergi.id",
            "agency": None,
            "password": password_hash,
            "is_active": True,
            "is_staff": True,
            "is_superuser": True,
            "failed_login_count": 0,
            "locked_until": None,
        },
    )
    UserRole.objects.filter(user=admin).delete()
    admin._role_codes = None
    return admin


# --- People ---------------------------------------------------------------------------------------------------


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


class _BulkInserter:
    """Multi-row INSERTs of one model, converting values exactly as the model's fields do.

    Faster than bulk_create for a million rows because no model instance is built; each field's own
    get_db_prep_save still runs, so encrypted fields are encrypted and JSON is adapted as usual. Rows go in
    statements of ROWS_PER_STATEMENT (well under SQLite's and PostgreSQL's parameter limits), and the new ids
    come back with RETURNING in insertion order, as bulk_create relies on too.
    """

    ROWS_PER_STATEMENT = 400

    def __init__(self, model):
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        self.row_marks = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        self.pk_column = connection.ops.quote_name(model._meta.pk.column)

    def insert(self, rows: list[dict]) -> list[int]:
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


def people_create(*, rng: random.Random, count: int, agencies: dict[str, Agency], stdout) -> int:
    """Inserts `count` people (and their phones) in chunks; returns how many were written."""
    creators = {}
    for code, agency in agencies.items():
        creators[code] = (
            User.objects.filter(agency=agency, roles__role=Role.CASE_WORKER).order_by("id").first()
            or User.objects.filter(agency=agency).order_by("id").first()
        )
    generator = PeopleGenerator(rng=rng, agencies=agencies, creators=creators)
    people_table = _BulkInserter(Person)
    phone_table = _BulkInserter(PersonPhone)
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


# --- Other apps -----------------------------------------------------------------------------------------------


def app_seeders_run(*, seed: int, scale: int, stdout) -> dict[str, object]:
    """Calls `sinergi.<app>.demo.seed(rng=, stdout=, scale=)` for each app that has one."""
    results: dict[str, object] = {}
    for offset, app in enumerate(APP_SEEDERS, start=1):
        module_name = f"sinergi.{app}.demo"
        try:
            if importlib.util.find_spec(module_name) is None:
                continue
        except ModuleNotFoundError:  # the app itself is not installed in this version
            continue
        module = importlib.import_module(module_name)
        started = time.monotonic()
        results[app] = module.seed(rng=random.Random(seed * 1000 + offset), stdout=stdout, scale=scale)
        stdout.write(f"  {app}: done in {time.monotonic() - started:.1f} s\n")
    return results


def demo_seed(
    *,
    people: int = DEFAULT_PEOPLE,
    seed: int = 42,
    scale: int = 1,
    stdout,
    load_regions: bool = True,
    app_seeders: bool = True,
) -> DemoResult:
    """Creates or refreshes the demo. See the module docstring for what is generated and when."""
    started = time.monotonic()
    result = DemoResult()
    if load_regions:
        regions_ensure(stdout=stdout)
    result.first_run = not User.objects.filter(username=PLATFORM_ADMIN).exists()
    fake = Faker("id_ID")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    password_hash = make_password(DEMO_PASSWORD)  # hashed once: every demo user shares the one password

    with transaction.atomic():
        agencies = _agencies_upsert(fake)
        result.agencies = len(agencies)
        result.users = _users_upsert(fake, agencies, password_hash)
        result.people_existing = Person.objects.filter(owner_agency__in=agencies.values()).count()
        if result.people_existing == 0:
            stdout.write(f"Creating {people:,} people...\n")
            result.people_created = people_create(rng=rng, count=people, agencies=agencies, stdout=stdout)
        audit_record(
            actor=None,
            action=AuditAction.CREATE if result.first_run else AuditAction.UPDATE,
            object_type="system.demo",
            summary=(
                f"demo data: {result.agencies} agencies, {len(result.users) + 1} users, "
                f"{result.people_created} people created"
            ),
            changes={"seed": seed, "people": result.people_created, "scale": scale},
        )

    if not result.first_run:
        stdout.write("Demo data already present: agencies and users refreshed, existing records kept.\n")
    elif app_seeders:
        result.seeders = app_seeders_run(seed=seed, scale=scale, stdout=stdout)
    # Written last: its presence means a complete first seeding (see the module docstring).
    result.users.append(_platform_admin_upsert(password_hash))
    result.seconds = time.monotonic() - started
    return result
