"""Who may do what with data-sharing agreements.

An agency administrator or a supervisor of the granting agency drafts and revokes; only a supervisor of the
granting agency signs, and not the one who drafted it (the approval step: four eyes). Supervisors and agency
administrators of either agency read their agency's agreements.
"""

from __future__ import annotations

from sinergi.agencies.choices import Role


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and user.agency_id)


def may_read_agreements(user) -> bool:
    return _active(user) and user.has_role(Role.SUPERVISOR, Role.AGENCY_ADMIN)


def may_draft_agreements(user) -> bool:
    return _active(user) and user.has_role(Role.SUPERVISOR, Role.AGENCY_ADMIN)


def may_sign(user, agreement) -> bool:
    return (
        _active(user)
        and user.has_role(Role.SUPERVISOR)
        and agreement.granting_agency_id == user.agency_id
        and agreement.created_by_id != user.pk
    )


def may_revoke(user, agreement) -> bool:
    return _active(user) and may_draft_agreements(user) and agreement.granting_agency_id == user.agency_id
