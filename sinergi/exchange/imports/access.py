"""Who may import which records: exactly those who may create them one by one in the app."""

from __future__ import annotations

from sinergi.agencies.choices import Role
from sinergi.exchange.imports.schema import RecordType


def may_import(user, record_type: str) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not user.agency_id:
        return False
    if record_type == RecordType.PEOPLE:
        from sinergi.people.access import may_create_person

        return may_create_person(user)
    if record_type == RecordType.CASES:
        from sinergi.cases.access import MANAGE_ROLES

        return user.has_role(*MANAGE_ROLES, Role.INVESTIGATOR)
    if record_type == RecordType.DEPARTURES:
        from sinergi.detection.models import can_create_departure_screening

        return can_create_departure_screening(user)
    return False


def importable_types(user) -> list[str]:
    return [t for t in RecordType.values if may_import(user, t)]


def may_import_any(user) -> bool:
    return bool(importable_types(user))
