"""Who may see and change person records. The one place that decides it; see `Person.objects.restrict`.

A person record belongs to the agency that recorded it (`owner_agency`). Within that agency, roles decide:

| action  | roles                                                                              |
|---------|------------------------------------------------------------------------------------|
| view    | every staff role (read-only, analyst and outreach officers included)                |
| change  | case worker, investigator, supervisor, child-protection officer, agency administrator (also creating) |
| reveal  | the same as change: analysts and read-only staff see identifiers masked only       |
| delete  | supervisor and agency administrator                                                 |

A platform administrator manages agencies and accounts, not victims: no person record at all. Anything else a
user may reach comes from `extra_person_scope` below; victims' records are withheld from analysts and outreach
officers (`withheld_person_scope`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

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
        return False
    # An action nobody listed above grants nothing (never a KeyError that would turn into a 500).
    return user.agency_id is not None and user.has_role(*ACTION_ROLES.get(action, frozenset()))


def may_create_person(user) -> bool:
    return may_in_own_agency(user, PersonAction.CHANGE) and (user.agency_id is not None)


# Other apps extend who reaches a person record without people importing them: cases registers, in its
# AppConfig.ready(), the parties its need-to-know rules show (`extra`) and the victims withheld from roles
# that never see a victim's record (`withheld`). Each hook is `(user, action) -> Q` over Person.
ScopeHook = Callable[[Any, str], Q]
_EXTRA_SCOPE: list[ScopeHook] = []
_WITHHELD_SCOPE: list[ScopeHook] = []


def register_scope_hooks(*, extra: ScopeHook | None = None, withheld: ScopeHook | None = None) -> None:
    """Adds an app's hooks once (ready() may run twice in tests)."""
    if extra is not None and extra not in _EXTRA_SCOPE:
        _EXTRA_SCOPE.append(extra)
    if withheld is not None and withheld not in _WITHHELD_SCOPE:
        _WITHHELD_SCOPE.append(withheld)


def _union(hooks: list[ScopeHook], user: Any, action: str) -> Q:
    query = Q(pk__in=[])
    for hook in hooks:
        query |= hook(user, action)
    return query


def extra_person_scope(user: Any, action: str) -> Q:
    """People outside the user's own agency that the user may still reach for `action` through cases (the
    registered hooks; cases gives the parties whose identity its need-to-know rules show to this user). Only
    "view" and "reveal"; changing or deleting stays with the recording agency."""
    return _union(_EXTRA_SCOPE, user, action)


def withheld_person_scope(user: Any, action: str) -> Q:
    """People the user may not reach even in its own agency (victims, for analysts and outreach officers)."""
    return _union(_WITHHELD_SCOPE, user, action)


# The cases a person appears in belong to the cases app: it registers, in its AppConfig.ready(), the function
# that lists them for a reader (`(user, person) -> list[PersonCase]`, only cases the reader may open and in which
# the reader sees this person's identity), and the person page shows what it returns.
@dataclass(frozen=True)
class PersonCase:
    """One case of a person as the person page lists it."""

    reference: str
    href: str
    roles: str  # the person's roles in the case, in words
    stage: str
    lead_agency: str
    open: bool


PersonCasesHook = Callable[[Any, Any], list[PersonCase]]
_PERSON_CASES: list[PersonCasesHook] = []


def register_person_cases(hook: PersonCasesHook) -> None:
    _PERSON_CASES[:] = [hook]


def person_cases(user: Any, person: Any) -> list[PersonCase] | None:
    """The person's cases this reader may see, or None when no app lists cases."""
    if not _PERSON_CASES:
        return None
    return _PERSON_CASES[0](user, person)
