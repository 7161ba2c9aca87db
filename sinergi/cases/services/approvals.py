"""Approvals a flow step needs: the request and the supervisor's decision."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.choices import Role
from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases.access import MANAGE_ROLES, Relation
from sinergi.cases.choices import (
    ApprovalKind,
    ApprovalState,
    CaseEventKind,
    NotificationKind,
)
from sinergi.cases.locks import case_lock
from sinergi.cases.models import (
    Approval,
    Case,
)
from sinergi.cases.notifications import agency_supervisors, notify
from sinergi.cases.services._shared import _event, _require_open, _require_relation
from sinergi.core.errors import ApplicationError


def approval_request(*, actor: User, case: Case, kind: str, note: str = "") -> Approval:
    """Asks the lead agency's supervisors to approve the assessment, the case plan or the closure."""
    if kind not in ApprovalKind.values:
        raise ApplicationError(_("Unknown approval."), code="validation_error")
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        _require_open(locked)
        if Approval.objects.filter(case=locked, kind=kind, state=ApprovalState.PENDING).exists():
            raise ApplicationError(
                _("This approval is already awaiting a decision."), code="approval_exists", status=409
            )
        approval = Approval.objects.create(
            case=locked, kind=kind, request_note=note.strip(), requested_by=actor
        )
        _event(
            locked, CaseEventKind.APPROVAL_REQUESTED, actor=actor, approval_id=approval.pk, approval_kind=kind
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=approval,
            summary=f"approval {kind} requested",
            changes={"case": locked.pk},
        )
        supervisors = [u for u in agency_supervisors(locked.lead_agency_id) if u.pk != actor.pk]
        notify(
            supervisors,
            kind=NotificationKind.APPROVAL,
            case=locked,
            params_fn=lambda: {
                "what": _("approval requested: %(kind)s") % {"kind": approval.get_kind_display()}
            },
        )
    return approval


def approval_decide(*, actor: User, approval: Approval, approve: bool, note: str = "") -> Approval:
    """A supervisor of the lead agency approves or rejects; nobody decides on their own request."""
    with transaction.atomic(durable=True):
        locked_case = case_lock(approval.case_id)
        _require_relation(actor, locked_case, allowed=(Relation.LEAD,), roles=(Role.SUPERVISOR,))
        locked = Approval.objects.select_for_update().get(pk=approval.pk)
        if locked.state != ApprovalState.PENDING:
            raise ApplicationError(
                _("This approval has already been decided."), code="approval_decided", status=409
            )
        if locked.requested_by_id == actor.pk:
            raise ApplicationError(
                _("Another supervisor must decide on your own request."), code="own_request", status=403
            )
        if not approve and not (note or "").strip():
            raise ApplicationError(
                _("Give the reason for rejecting."), code="reason_required", fields={"note": [_("Required.")]}
            )
        locked.state = ApprovalState.APPROVED if approve else ApprovalState.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_note = actor, timezone.now(), note.strip()
        locked.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
        _event(
            locked_case,
            CaseEventKind.APPROVAL_DECIDED,
            actor=actor,
            approval_id=locked.pk,
            approval_kind=locked.kind,
            state=locked.state,
        )
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=locked,
            summary=f"approval {locked.kind} {locked.state.lower()}",
            changes={"state": locked.state},
        )
        notify(
            [locked.requested_by],
            kind=NotificationKind.APPROVAL,
            case=locked_case,
            params_fn=lambda: {"what": f"{locked.get_kind_display()}: {locked.get_state_display()}"},
        )
    return locked
