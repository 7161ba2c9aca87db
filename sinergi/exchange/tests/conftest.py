from __future__ import annotations

import pytest

from sinergi.agencies.choices import AgencyType, Role, UserKind
from sinergi.core.testing.factories import AgencyFactory, UserFactory


@pytest.fixture
def importer(regions, agency):
    return UserFactory(username="pengimpor", agency=agency, roles=[Role.CASE_WORKER, Role.SUPERVISOR])


@pytest.fixture
def officer(regions):
    imigrasi = AgencyFactory(
        code="imigrasi-bdj", type=AgencyType.IMIGRASI, jurisdiction=regions.get(code="63")
    )
    return UserFactory(username="petugas", agency=imigrasi, roles=[Role.CASE_WORKER])


@pytest.fixture
def system(importer):
    return UserFactory(
        username="sistem-bp3mi", agency=importer.agency, kind=UserKind.SYSTEM, roles=[Role.SUPERVISOR]
    )


@pytest.fixture
def admin(importer):
    return UserFactory(username="admin-bp3mi", agency=importer.agency, roles=[Role.AGENCY_ADMIN])
