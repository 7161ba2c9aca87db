"""Person.objects.restrict: the role table in people/access.py, agency by agency."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from sinergi.agencies.choices import Role
from sinergi.core.testing.factories import UserFactory
from sinergi.people.models import Person

pytestmark = pytest.mark.django_db

EXPECTED = {
    # role: (view, change, reveal, delete)
    Role.READ_ONLY: (True, False, False, False),
    Role.ANALYST: (True, False, False, False),
    Role.OUTREACH_OFFICER: (True, False, False, False),
    Role.CASE_WORKER: (True, True, True, False),
    Role.INVESTIGATOR: (True, True, True, False),
    Role.CHILD_PROTECTION: (True, True, True, False),
    Role.SUPERVISOR: (True, True, True, True),
    Role.AGENCY_ADMIN: (True, True, True, True),
}
ACTIONS = ("view", "change", "reveal", "delete")


@pytest.mark.parametrize("role", list(EXPECTED))
def test_role_table_in_own_agency_and_nothing_elsewhere(role, agency, other_agency, case_worker, make_person):
    mine = make_person(case_worker, full_name="Siti Rahayu")
    theirs = make_person(UserFactory(agency=other_agency, roles=[Role.CASE_WORKER]), full_name="Siti Aminah")
    user = UserFactory(agency=agency, roles=[role])
    for action, allowed in zip(ACTIONS, EXPECTED[role], strict=True):
        visible = set(Person.objects.restrict(user, action).values_list("pk", flat=True))
        assert visible == ({mine.pk} if allowed else set()), (role, action)
        assert theirs.pk not in visible


def test_platform_admin_anonymous_inactive_and_unknown_actions(platform_admin, case_worker, make_person):
    person = make_person(case_worker)
    for action in ACTIONS:
        # The platform administrator manages agencies and accounts, not victims: no person record at all.
        assert not Person.objects.restrict(platform_admin, action).filter(pk=person.pk).exists()
        assert not Person.objects.restrict(AnonymousUser(), action).exists()
    assert not Person.objects.restrict(case_worker, "launch-missiles").exists()
    assert Person.objects.restrict(case_worker, "add").exists()
    case_worker.is_active = False
    assert not Person.objects.restrict(case_worker, "view").exists()
