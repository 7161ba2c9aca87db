import pytest

from sinergi.agencies.choices import Role
from sinergi.core.testing.factories import UserFactory


@pytest.fixture
def officer(agency):
    return UserFactory(username="penyuluh", agency=agency, roles=[Role.OUTREACH_OFFICER])


@pytest.fixture
def district(regions):
    return regions.get(code="52.03.01")
