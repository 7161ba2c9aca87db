from __future__ import annotations

from datetime import date

import pytest

from sinergi.agencies.choices import Role
from sinergi.core.testing.factories import UserFactory
from sinergi.people.nik import nik_build
from sinergi.people.services import PersonData, PhoneInput, person_create

# 63.71.01 = Kec. Banjarmasin Selatan, Kota Banjarmasin (in the regions fixture's provinces).
NIK_WOMAN_1990 = nik_build("637101", date(1990, 1, 10), "F", 1)  # 6371015001900001


@pytest.fixture
def make_person(regions):
    def make(actor, *, full_name="Siti Rahayu", nik="", phones=(), **fields):
        data = PersonData(
            full_name=full_name,
            nik=nik,
            phones=[PhoneInput(number=p) for p in phones],
            **fields,
        )
        return person_create(actor=actor, data=data, confirm_nik_mismatch=True)

    return make


@pytest.fixture
def read_only(agency):
    return UserFactory(username="readonly", agency=agency, roles=[Role.READ_ONLY])


@pytest.fixture
def analyst(agency):
    return UserFactory(username="analyst", agency=agency, roles=[Role.ANALYST])


@pytest.fixture
def other_worker(other_agency):
    return UserFactory(username="otherworker", agency=other_agency, roles=[Role.CASE_WORKER, Role.SUPERVISOR])
