"""The demo's agencies and users: the agencies of South Kalimantan and their counterparts, a login for every role,
and the platform administrator. Registered with core's demo (sinergi.core.demo) in this app's `ready()`.

Agencies and users are created or refreshed by code and username on every run; the platform administrator is
written last and marks a completed first seeding.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from faker import Faker

from sinergi.agencies.choices import AgencyType, Role
from sinergi.agencies.models import Agency, User, UserRole
from sinergi.core.demo import DemoRun
from sinergi.regions.models import Region

DEMO_PASSWORD = "Sinergi-demo-2026"  # noqa: S105 (printed for everyone: a demo has no secrets)
PLATFORM_ADMIN = "sinergi.admin"

# Username part for each role: kalsel.bp3mi.supervisor, ntb.polda.investigator...
ROLE_LOGIN: dict[str, str] = {
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


# What a demo letter carries: the body above the office (synthetic wording), the city it signs in.
LETTERHEAD_PARENTS: dict[str, str] = {
    AgencyType.BP3MI: "Kementerian Pelindungan Pekerja Migran Indonesia",
    AgencyType.POLRI: "Kepolisian Negara Republik Indonesia",
    AgencyType.IMIGRASI: "Kementerian Imigrasi dan Pemasyarakatan",
    AgencyType.KBRI: "Kementerian Luar Negeri Republik Indonesia",
}
LETTER_PLACES = {
    "63": "Banjarbaru",
    "52": "Mataram",
    "53": "Kupang",
    "35": "Surabaya",
    "33": "Semarang",
    "32": "Bandung",
    "71": "Manado",
    "61": "Pontianak",
}


def _letter_settings(fake: Faker, spec: DemoAgency) -> dict[str, str]:
    parent = LETTERHEAD_PARENTS.get(spec.type, "Pemerintah Daerah")
    province = (spec.jurisdiction or "")[:2]
    return {
        "letterhead": f"{parent}\n{spec.name}",
        "address": f"{fake.street_address()}, {LETTER_PLACES.get(province, 'Jakarta')}",
        "letter_place": LETTER_PLACES.get(province, "Jakarta" if spec.country == "ID" else ""),
        "signatory_name": fake.name(),
        "signatory_title": f"Kepala {spec.name}",
    }


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
            **_letter_settings(fake, spec),
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


def seed_agencies(run: DemoRun) -> None:
    """Base phase, first: agencies and users, created or refreshed (every run)."""
    run.first_run = not User.objects.filter(username=PLATFORM_ADMIN).exists()
    fake = Faker("id_ID")
    fake.seed_instance(run.seed)
    # Hashed once: every demo user shares the one password.
    run.shared["password_hash"] = make_password(DEMO_PASSWORD)
    agencies = _agencies_upsert(fake)
    run.shared["agencies"] = agencies
    run.agencies = len(agencies)
    run.users = _users_upsert(fake, agencies, run.shared["password_hash"])


def seed_platform_admin(run: DemoRun) -> None:
    """Finish phase: written last, its presence means a complete first seeding."""
    run.users.append(_platform_admin_upsert(run.shared["password_hash"]))
