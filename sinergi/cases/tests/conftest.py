"""Fixtures for the cases tests: a small cast of agencies and their staff."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from faker import Faker

from sinergi.agencies.choices import AgencyType, Role
from sinergi.cases import services
from sinergi.cases.choices import AgeGroup, IntakeChannel, PartyRole
from sinergi.core.testing.factories import AgencyFactory, UserFactory

fake = Faker("id_ID")


@dataclass
class Staff:
    agency: object
    worker: object
    supervisor: object
    reader: object


def _staff(code: str, name: str, agency_type: str, *, extra_roles=()) -> Staff:
    agency = AgencyFactory(code=code, name=name, type=agency_type)
    work_role = Role.INVESTIGATOR if agency_type == AgencyType.POLRI else Role.CASE_WORKER
    return Staff(
        agency=agency,
        worker=UserFactory(username=f"{code}-worker", agency=agency, roles=[work_role, *extra_roles]),
        supervisor=UserFactory(username=f"{code}-spv", agency=agency, roles=[Role.SUPERVISOR, work_role]),
        reader=UserFactory(username=f"{code}-reader", agency=agency, roles=[Role.READ_ONLY]),
    )


@pytest.fixture
def cast(db):
    """BP3MI Kalsel (lead), Polda Kalsel, UPTD PPA Kalsel, KBRI Kuala Lumpur, LPSK, Dinsos Kalsel."""

    class Cast:
        bp3mi = _staff("bp3mi-kalsel", "BP3MI Kalimantan Selatan", AgencyType.BP3MI)
        polda = _staff("polda-kalsel", "Subdit TPPO Polda Kalsel", AgencyType.POLRI)
        uptd = _staff(
            "uptd-ppa-kalsel",
            "UPTD PPA Kalimantan Selatan",
            AgencyType.UPTD_PPA,
            extra_roles=[Role.CHILD_PROTECTION],
        )
        kbri = _staff("kbri-kuala-lumpur", "KBRI Kuala Lumpur", AgencyType.KBRI)
        lpsk = _staff("lpsk", "LPSK", AgencyType.LPSK)
        dinsos = _staff("dinsos-kalsel", "Dinas Sosial Kalsel", AgencyType.DINSOS)

    return Cast


@pytest.fixture
def make_person(db):
    from sinergi.people.models import Person
    from sinergi.people.names import normalise_name

    def make(agency, **kwargs):
        name = kwargs.pop("full_name", None) or fake.name()
        return Person.objects.create(
            full_name=name, name_normalised=normalise_name(name), owner_agency=agency, **kwargs
        )

    return make


@pytest.fixture
def make_case(cast, make_person):
    def make(actor=None, *, victims=1, child=False, **fields):
        actor = actor or cast.bp3mi.worker
        parties = [
            {
                "person": make_person(actor.agency),
                "role": PartyRole.VICTIM,
                "age_group": AgeGroup.CHILD if child and i == 0 else AgeGroup.ADULT,
            }
            for i in range(victims)
        ]
        defaults = {
            "intake_channel": IntakeChannel.COMMUNITY,
            "narrative": "Dijanjikan kerja di restoran Kuala Lumpur, paspor ditahan majikan.",
            "destination_country": "MY",
        }
        defaults.update(fields)
        return services.case_intake(actor=actor, parties=parties, **defaults)

    return make


@pytest.fixture
def shelter_case(cast, make_case):
    """A case BP3MI leads whose shelter referral UPTD PPA accepted: UPTD PPA takes part in it."""
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker,
        case=case,
        to_agency=cast.uptd.agency,
        need="SHELTER",
        reason="Mohon rumah aman.",
    )
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    return case
