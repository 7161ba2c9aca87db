"""First-deployment commands: agency_create and user_create."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from sinergi.agencies.choices import Role
from sinergi.agencies.models import Agency, User
from sinergi.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(db):
    return Region.objects.create(
        code="63", digits="63", name="Kalimantan Selatan", name_search="kalsel", level=1
    )


def test_first_deployment(monkeypatch, province, capsys):
    monkeypatch.setenv("SINERGI_NEW_USER_PASSWORD", "Platform-admin-pass-1")
    call_command("user_create", "root", "--platform-admin", "--email", "root@example.go.id")
    call_command(
        "agency_create", "BP3MI-Kalsel", "BP3MI Kalimantan Selatan", "--type", "BP3MI", "--jurisdiction", "63"
    )
    call_command("user_create", "admin.kalsel", "--agency", "bp3mi-kalsel", "--role", "AGENCY_ADMIN")
    root = User.objects.get(username="root")
    assert root.is_superuser and root.agency is None and root.check_password("Platform-admin-pass-1")
    agency = Agency.objects.get(code="bp3mi-kalsel")
    assert agency.jurisdiction == province
    admin = User.objects.get(username="admin.kalsel")
    assert admin.agency == agency and admin.role_codes == {Role.AGENCY_ADMIN}
    assert "created" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["agency_create", "x", "X", "--type", "BP3MI", "--jurisdiction", "99"], "No region"),
        (["agency_create", "bp3mi-kalsel", "Again", "--type", "BP3MI"], "already exists"),
        (["agency_create", "bad code!", "X", "--type", "BP3MI"], "code"),
        (["user_create", "someone"], "--agency"),
        (["user_create", "someone", "--agency", "nope"], "No agency"),
        (["user_create", "caseworker", "--agency", "bp3mi-kalsel", "--no-password"], "already taken"),
        (["user_create", "weak", "--agency", "bp3mi-kalsel"], "short"),
        (
            ["user_create", "bot", "--agency", "bp3mi-kalsel", "--system", "--role", "AGENCY_ADMIN"],
            "administrator",
        ),
    ],
)
def test_clear_errors_and_nothing_created(monkeypatch, case_worker, args, message):
    monkeypatch.setenv("SINERGI_NEW_USER_PASSWORD", "short")
    users, agencies = User.objects.count(), Agency.objects.count()
    with translation.override("en"), pytest.raises(CommandError, match=message):
        call_command(*args)
    assert (User.objects.count(), Agency.objects.count()) == (users, agencies)
