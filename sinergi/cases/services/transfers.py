"""Moving the lead of a case to another agency: the request and its answer."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import Agency, User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases import access
from sinergi.cases.access import MANAGE_ROLES, Relation
from sinergi.cases.choices import (
    CaseEventKind,
    NotificationKind,
    ReferralState,
    TransferState,
)
from sinergi.cases.locks import case_lock, transfer_lock
from sinergi.cases.models import (
    Case,
    LeadTransfer,
    Referral,
)
from sinergi.cases.notifications import agency_handlers, notify
from sinergi.cases.services._shared import _denied, _event, _require_open, _require_relation, _touch
from sinergi.core.errors import ApplicationError


def lead_transfer_request(*, actor: User, case: Case, to_agency: Agency, reason: str) -> LeadTransfer:
    """The lead agency asks another agency to take over the lead; that agency sees the case summary to decide."""
    if not (reason or "").strip():
        raise ApplicationError(
            _("Give the reason for the transfer."),
            code="reason_required",
            fields={"reason": [_("Required.")]},
        )
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        _require_open(locked)
        if to_agency.pk == locked.lead_agency_id or not to_agency.is_active:
            raise ApplicationError(_("Choose another active agency."), code="agency_not_eligible")
        if LeadTransfer.objects.filter(case=locked, state=TransferState.PENDING).exists():
            raise ApplicationError(
                _("A transfer of this case is already awaiting an answer."),
                code="transfer_exists",
                status=409,
            )
        transfer = LeadTransfer.objects.create(
            case=locked,
            from_agency=locked.lead_agency,
            to_agency=to_agency,
            reason=reason.strip(),
            requested_by=actor,
        )
        _event(
            locked,
            CaseEventKind.TRANSFER_REQUESTED,
            actor=actor,
            transfer_id=transfer.pk,
            to_agency_id=to_agency.pk,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=transfer,
            summary="lead transfer requested",
            changes={"to_agency": to_agency.pk},
        )
        notify(
            agency_handlers(to_agency.pk),
            kind=NotificationKind.TRANSFER,
            case=locked,
            params_fn=lambda: {"what": _("transfer requested"), "agency": locked.lead_agency.name},
        )
    return transfer


def _transfer_answer(*, actor: User, transfer: LeadTransfer, accept: bool, note: str) -> LeadTransfer:
    with transaction.atomic(durable=True):
        case, locked = transfer_lock(transfer.pk)
        if actor.agency_id != locked.to_agency_id:
            raise ApplicationError(
                _("Only the agency asked to take over can answer."), code="not_addressee", status=403
            )
        if not actor.has_role(*MANAGE_ROLES):
            raise _denied()
        if locked.state != TransferState.PENDING:
            raise ApplicationError(
                _("This transfer is no longer awaiting an answer."), code="referral_not_pending", status=409
            )
        now = timezone.now()
        locked.state = TransferState.ACCEPTED if accept else TransferState.DECLINED
        locked.answered_by, locked.answered_at, locked.answer_note = actor, now, note.strip()
        locked.save(update_fields=["state", "answered_by", "answered_at", "answer_note"])
        previous_lead = case.lead_agency
        if accept:
            _require_open(case)
            new_lead = actor.agency
            assert new_lead is not None  # the addressee check above: the actor's agency is to_agency
            case.lead_agency = new_lead
            case.assigned_to = None
            _touch(case, "lead_agency", "assigned_to", at=now)
            # A referral to the new lead would now point at itself: it is done by the transfer.
            Referral.objects.filter(
                case=case, to_agency=new_lead, state__in=access.OPEN_REFERRAL_STATES
            ).update(
                state=ReferralState.DONE, closed_at=now, closed_by=actor, close_reason="lead transferred"
            )
        kind = CaseEventKind.TRANSFER_ACCEPTED if accept else CaseEventKind.TRANSFER_DECLINED
        _event(
            case,
            kind,
            actor=actor,
            transfer_id=locked.pk,
            from_agency_id=previous_lead.pk,
            to_agency_id=locked.to_agency_id,
        )
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=locked,
            summary=f"lead transfer {locked.state.lower()}",
            changes={"state": locked.state},
        )
        what = _("transfer accepted") if accept else _("transfer declined")

        def params() -> dict[str, str]:
            answering = actor.agency
            assert answering is not None  # the addressee check above
            return {"what": what, "agency": answering.name}

        notify(
            agency_handlers(previous_lead.pk),
            kind=NotificationKind.TRANSFER,
            case=case,
            params_fn=params,
        )
    return locked


def lead_transfer_accept(*, actor: User, transfer: LeadTransfer, note: str = "") -> LeadTransfer:
    """The agency asked to take over accepts: it becomes the lead, the former lead loses access."""
    return _transfer_answer(actor=actor, transfer=transfer, accept=True, note=note)


def lead_transfer_decline(*, actor: User, transfer: LeadTransfer, reason: str) -> LeadTransfer:
    """The agency asked to take over declines, with its reason."""
    if not (reason or "").strip():
        raise ApplicationError(
            _("Give the reason for declining."), code="reason_required", fields={"reason": [_("Required.")]}
        )
    return _transfer_answer(actor=actor, transfer=transfer, accept=False, note=reason)
