"""The demo generator: the agencies and logins a new user sees, consistent NIKs, determinism, idempotence, and the
registry through which each app adds its own demo data."""

import random
import sys
import types
from io import StringIO

import pytest
from django.core.management import call_command

from sinergi.agencies import demo as agencies_demo
from sinergi.agencies.models import Agency, User
from sinergi.audit.selectors import audit_chain_verify
from sinergi.core import demo
from sinergi.people import demo as people_demo
from sinergi.people import identifiers
from sinergi.people.models import Person, PersonPhone
from sinergi.people.nik import parse_nik
from sinergi.regions.services import regions_load

pytestmark = pytest.mark.django_db

REQUIRED_AGENCIES = {
    "BP3MI Kalimantan Selatan",
    "Subdit TPPO Ditreskrimum Polda Kalsel",
    "Dinas Sosial Provinsi Kalsel",
    "UPTD PPA Provinsi Kalsel",
    "Kantor Imigrasi Kelas I TPI Banjarmasin",
    "Disnaker Provinsi Kalsel",
    "Dinas Kesehatan Provinsi Kalsel",
    "BP3MI Nusa Tenggara Barat",
    "Subdit TPPO Ditreskrimum Polda NTT",
    "Dinas Sosial Provinsi Jatim",
    "UPTD PPA Provinsi Jateng",
    "BP3MI Jawa Barat",
    "BP3MI Sulawesi Utara",
    "BP3MI Kalimantan Barat",
    "Lembaga Perlindungan Saksi dan Korban (LPSK)",
    "Imigrasi PLBN Entikong",
    "Imigrasi Nunukan (Pelabuhan Tunon Taka)",
    "KBRI Kuala Lumpur",
    "KBRI Phnom Penh",
    "KBRI Riyadh",
    "KJRI Hong Kong",
    "Yayasan Peduli Pekerja Migran",
}


@pytest.fixture
def demo_regions(regions):
    """Villages of Kalsel, NTB and NTT (the shared fixture), and the other jurisdictions down to districts."""
    regions_load(provinces=("35", "33", "32", "71", "61", "65"), max_level=3)
    return regions


def run(people=60, **kwargs):
    out = StringIO()
    result = demo.demo_seed(people=people, stdout=out, load_regions=False, app_seeders=False, **kwargs)
    return result, out.getvalue()


def test_agencies_with_jurisdictions_and_a_login_for_every_role(demo_regions):
    result, _ = run()
    names = set(Agency.objects.values_list("name", flat=True))
    assert names >= REQUIRED_AGENCIES
    assert Agency.objects.get(code="bp3mi-kalsel").jurisdiction_id == "63"
    assert Agency.objects.get(code="imigrasi-banjarmasin").jurisdiction_id == "63.71"
    assert Agency.objects.get(code="imigrasi-entikong").jurisdiction_id == "61.03.21"
    assert Agency.objects.get(code="bp3mi-jatim").jurisdiction_id == "35"
    assert Agency.objects.get(code="kbri-phnom-penh").country == "KH"
    assert Agency.objects.get(code="lpsk").jurisdiction_id is None

    kalsel = User.objects.filter(agency__code="bp3mi-kalsel")
    assert {code for user in kalsel for code in user.role_codes} == set(agencies_demo.ALL_ROLES)
    supervisor = User.objects.get(username="kalsel.bp3mi.supervisor")
    assert supervisor.has_role("SUPERVISOR") and supervisor.check_password(agencies_demo.DEMO_PASSWORD)
    admin = User.objects.get(username=agencies_demo.PLATFORM_ADMIN)
    assert admin.is_superuser and admin.check_password(agencies_demo.DEMO_PASSWORD)
    assert len(result.users) == User.objects.count()


def test_people_have_niks_consistent_with_birth_date_sex_and_address(demo_regions):
    run(people=300)
    people = list(Person.objects.select_related("address_region"))
    assert len(people) == 300
    with_nik = [person for person in people if person.nik]
    assert len(with_nik) > 200
    for person in with_nik:
        parsed = parse_nik(person.nik)
        assert parsed.birth_date == person.birth_date
        assert parsed.sex == person.sex
        assert person.address_region_id.replace(".", "").startswith(person.nik[:6])
    assert len({person.nik for person in with_nik}) == len(with_nik)
    sample = with_nik[0]
    assert Person.objects.get(nik_index=identifiers.nik_index(sample.nik)) == sample
    phone = PersonPhone.objects.select_related("person").first()
    assert phone.number.startswith("+62") and "0000" in phone.number
    assert PersonPhone.objects.filter(number_index=identifiers.phone_index(phone.number)).exists()
    # Stored encrypted: the raw column never holds the NIK.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT nik FROM people_person WHERE id = %s", [sample.pk])
        assert sample.nik not in cursor.fetchone()[0]
    owners = {person.owner_agency.code for person in people}
    assert "bp3mi-kalsel" in owners and "bp3mi-ntb" in owners


def test_same_seed_same_people(demo_regions):
    run(people=0)
    agencies = {agency.code: agency for agency in Agency.objects.all()}

    def sample(seed):
        generator = people_demo.PeopleGenerator(rng=random.Random(seed), agencies=agencies, creators={})
        return [
            (row["full_name"], row["nik"], row["birth_date"], row["address_region_id"], phones)
            for row, phones in generator.rows(50)
        ]

    assert sample(7) == sample(7)
    assert sample(7) != sample(8)


def test_running_twice_refreshes_without_duplicating(demo_regions):
    first, _ = run(people=40)
    User.objects.filter(username="kalsel.bp3mi.caseworker").update(first_name="Changed", is_active=False)
    counts = (Agency.objects.count(), User.objects.count(), Person.objects.count())
    second, out = run(people=40)
    assert not second.first_run and first.first_run
    assert (Agency.objects.count(), User.objects.count(), Person.objects.count()) == counts
    assert "already present" in out
    assert User.objects.get(username="kalsel.bp3mi.caseworker").is_active
    assert audit_chain_verify().intact


def test_app_seeders_are_called_with_the_contract(demo_regions, monkeypatch):
    calls = []
    module = types.ModuleType("sinergi_fakeapp_demo")
    module.seed = lambda *, rng, stdout, scale: calls.append((type(rng), scale)) or {"things": 1}
    monkeypatch.setitem(sys.modules, "sinergi_fakeapp_demo", module)
    # Only the fake app's seeder in the apps phase: the real ones (cases, detection) are tested in their apps.
    seeders = {name: s for name, s in demo._seeders.items() if s.phase != "apps"}
    monkeypatch.setattr(demo, "_seeders", seeders)
    demo.register_demo_seeder("fakeapp", "sinergi_fakeapp_demo:seed", phase="apps", order=7)
    out = StringIO()
    result = demo.demo_seed(people=5, scale=3, stdout=out, load_regions=False)
    assert calls == [(random.Random, 3)]
    assert result.seeders == {"fakeapp": {"things": 1}}
    assert "fakeapp: done" in out.getvalue()
    calls.clear()
    demo.demo_seed(people=5, scale=3, stdout=out, load_regions=False)
    assert calls == []  # existing demo: other apps' data is not generated twice


def test_every_installed_app_with_demo_data_is_registered():
    names = {seeder.name for phase in demo.PHASES for seeder in demo.demo_seeders(phase)}
    assert names >= {"regions", "agencies", "people", "audit", "cases", "detection", "platform_admin"}
    for phase in demo.PHASES:
        for seeder in demo.demo_seeders(phase):
            assert callable(seeder.load())


def test_a_seeder_registered_twice_under_one_name_is_refused(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setattr(demo, "_seeders", dict(demo._seeders))
    with pytest.raises(ImproperlyConfigured):
        demo.register_demo_seeder("people", "sinergi.people.demo:other", phase="base", order=20)


def test_command_prints_the_logins_and_the_password(demo_regions):
    out = StringIO()
    call_command("demo_seed", "--people", "10", "--skip-apps", stdout=out)
    text = out.getvalue()
    assert "kalsel.bp3mi.supervisor" in text and "BP3MI Kalimantan Selatan" in text
    assert agencies_demo.DEMO_PASSWORD in text
    assert "Demo ready in" in text


def test_command_refuses_negative_people():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("demo_seed", "--people", "-1", stdout=StringIO())
