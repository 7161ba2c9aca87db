"""Who may see and change person records. The one place that decides it; see `Person.objects.restrict`.

A person record belongs to the agency that recorded it (`owner_agency`). Within that agency, roles decide:

| action  | roles                                                                              |
|---------|------------------------------------------------------------------------------------|
| view    | every staff role (read-only, analyst and outreach officers included)                |
| change  | case worker, investigator, supervisor, child-protection officer, agency administrator (also creating) |
| reveal  | the same as change: analysts and read-only staff see identifiers masked only       |
| delete  | supervisor and agency administrator                                                 |

A platform administrator may do everything everywhere. Anything else a user may reach comes from
`extra_person_scope` below.
"""

from __future__ import annotations

from django.db.models import Q

from sinergi.agencies.choices import Role
from sinergi.people.choices import PersonAction

_CHANGE_ROLES = frozenset(
    {Role.CASE_WORKER, Role.INVESTIGATOR, Role.SUPERVISOR, Role.CHILD_PROTECTION, Role.AGENCY_ADMIN}
)
ACTION_ROLES: dict[str, frozenset[str]] = {
    PersonAction.VIEW: _CHANGE_ROLES | {Role.ANALYST, Role.READ_ONLY, Role.OUTREACH_OFFICER},
    PersonAction.CHANGE: _CHANGE_ROLES,
    PersonAction.REVEAL: _CHANGE_ROLES,
    PersonAction.DELETE: frozenset({Role.SUPERVISOR, Role.AGENCY_ADMIN}),
    # The generic API viewsets call restrict(user, "add") for creation.
    "add": _CHANGE_ROLES,
}


def is_active_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def may_in_own_agency(user, action: str) -> bool:
    """Whether the user's roles allow `action` on the records of the user's own agency."""
    if not is_active_staff(user):
        return False
    if user.is_superuser:
        return True
    # An action nobody listed above grants nothing (never a KeyError that would turn into a 500).
    return user.agency_id is not None and user.has_role(*ACTION_ROLES.get(action, frozenset()))


def may_create_person(user) -> bool:
    return may_in_own_agency(user, PersonAction.CHANGE) and (user.agency_id is not None)


def extra_person_scope(user, action: str) -> Q:
    """People outside the user's own agency that the user may still reach for `action` through cases.

    Maintained by the cases module: the parties of a case the user's agency leads or holds an accepted referral
    on, whose identity the case's need-to-know rules show to this user (sinergi/cases/access.py
    `person_scope_q`: consent to share, child-protection role, investigators for suspects). Only "view" and
    "reveal"; changing or deleting stays with the recording agency.
    """
    from sinergi.cases.access import person_scope_q

    return person_scope_q(user, action)
