"""Who may manage event subscriptions and who may replay events."""

from __future__ import annotations

from sinergi.agencies.choices import Role, UserKind


def may_manage_subscriptions(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or (user.agency_id and user.has_role(Role.AGENCY_ADMIN)))


def is_integrated_system(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.kind == UserKind.SYSTEM)
