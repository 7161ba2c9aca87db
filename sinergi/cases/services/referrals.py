"""Referrals between agencies: sending, answering, reporting services, closing and revoking."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import Agency, User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases import access
from sinergi.cases.access import MANAGE_ROLES, WRITE_ROLES, Relation
from sinergi.cases.choices import (
    CaseEventKind,
    NotificationKind,
    ReferralState,
    Sensitivity,
)
from sinergi.cases.locks import case_lock, referral_lock
from sinergi.cases.models import (
    Case,
    Referral,
    ReferralService,
)
from sinergi.cases.notifications import agency_handlers, agency_supervisors, notify
from sinergi.cases.services._shared import (
    _clean,
    _denied,
    _event,
    _first_action,
    _require_open,
    _require_relation,
    _touch,
)
from sinergi.cases.services.flow import flow_of
from sinergi.core.errors import ApplicationError


def _referral_params(referral: Referral) -> Callable[[], dict[str, str]]:
    return lambda: {"agency": referral.to_agency.name, "need": referral.get_need_display()}


def referral_create(
    *, actor: User, case: Case, to_agency: Agency, need: str, reason: str, due_at: datetime | None = None
) -> Referral:
    """The lead agency refers (part of) a case to another agency with a reason. The services are due by
    `due_at` (default: the flow's deadline for the need, e.g. 7 days under UU 21/2007 art. 52); the agency
    must answer by the flow's configurable answer deadline."""
    _referral_input_check(reason=reason, due_at=due_at)
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        return referral_create_in_transaction(
            actor=actor, case=locked, to_agency=to_agency, need=need, reason=reason, due_at=due_at
        )


def _referral_input_check(*, reason: str, due_at: datetime | None) -> None:
    if not (reason or "").strip():
        raise ApplicationError(
            _("Give the reason for the referral."),
            code="reason_required",
            fields={"reason": [_("Required.")]},
        )
    if due_at is not None and due_at <= timezone.now():
        raise ApplicationError(
            _("The deadline is in the past."),
            code="deadline_in_past",
            fields={"due_at": [_("Choose a date in the future.")]},
        )


def referral_create_in_transaction(
    *, actor: User, case: Case, to_agency: Agency, need: str, reason: str, due_at: datetime | None = None
) -> Referral:
    """referral_create's body, for a service that composes it (an intake sends its first referrals with the
    case, both or neither). `case` is locked (or created) by the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("referral_create_in_transaction() runs inside the caller's transaction.atomic()")
    _referral_input_check(reason=reason, due_at=due_at)
    now = timezone.now()
    locked = case
    _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
    _require_open(locked)
    flow = flow_of(locked)
    rule = flow.needs.get(need)
    if rule is None or not to_agency.is_active or to_agency.type not in rule.agency_types:
        raise ApplicationError(
            _("%(agency)s cannot receive a referral for this need under the case's flow.")
            % {"agency": to_agency.name},
            code="agency_not_eligible",
            fields={"to_agency": [_("This agency does not receive this need.")]},
        )
    if to_agency.pk == locked.lead_agency_id:
        raise ApplicationError(
            _("A case cannot be referred to its own lead agency."),
            code="agency_not_eligible",
            fields={"to_agency": [_("This is the lead agency itself.")]},
        )
    if Referral.objects.filter(
        case=locked, to_agency=to_agency, need=need, state__in=access.OPEN_REFERRAL_STATES
    ).exists():
        raise ApplicationError(
            _("This agency already has an open referral for this need."),
            code="referral_exists",
            status=409,
        )
    due = due_at or now + rule.deadline.delta
    referral = Referral(
        case=locked,
        from_agency=locked.lead_agency,
        to_agency=to_agency,
        need=need,
        reason=reason.strip(),
        accept_by=min(now + flow.answer_deadline.delta, due),
        due_at=due,
        deadline_source=(rule.deadline.source if due_at is None else _("Set by the referring agency"))[:200],
        created_by=actor,
        created_at=now,
    )
    _clean(referral, exclude=["case"])
    referral.save()
    changed = _first_action(locked, now)
    if changed:
        _touch(locked, *changed, at=now)
    _event(
        locked,
        CaseEventKind.REFERRAL_CREATED,
        actor=actor,
        referral=referral,
        need=need,
        to_agency_id=to_agency.pk,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=referral,
        summary=f"referral {need}",
        changes={"case": locked.pk, "to_agency": to_agency.pk, "due_at": due.isoformat()},
    )
    notify(
        agency_handlers(to_agency.pk),
        kind=NotificationKind.REFERRAL,
        case=locked,
        params_fn=lambda: {"agency": locked.lead_agency.name, "need": referral.get_need_display()},
    )
    return referral


def _addressee_check(actor: User, referral: Referral) -> None:
    if actor.agency_id != referral.to_agency_id:
        raise ApplicationError(
            _("Only the agency this referral is addressed to can answer it."),
            code="not_addressee",
            status=403,
        )
    if not actor.has_role(*WRITE_ROLES):
        raise _denied()


def _lead_recipients(case: Case) -> list[User]:
    recipients = list(agency_supervisors(case.lead_agency_id))
    if case.assigned_to_id:
        recipients.insert(0, case.assigned_to)
    return recipients or list(agency_handlers(case.lead_agency_id))


def _referral_answer(
    *,
    actor: User,
    referral: Referral,
    state: str,
    note: str,
    event_kind: str,
    notification_kind: str,
    closes: bool,
) -> Referral:
    """Records the addressed agency's answer to a pending referral and tells the lead."""
    with transaction.atomic(durable=True):
        case, locked = referral_lock(referral.pk)
        _addressee_check(actor, locked)
        if state == ReferralState.ACCEPTED:
            # Declining stays possible on a closed case, so the addressee can clear its inbox.
            _require_open(case)
        if locked.state != ReferralState.PENDING:
            raise ApplicationError(
                _("This referral is no longer awaiting an answer."), code="referral_not_pending", status=409
            )
        now = timezone.now()
        locked.state = state
        locked.answered_by, locked.answered_at, locked.answer_note = actor, now, note.strip()
        fields = ["state", "answered_by", "answered_at", "answer_note"]
        if closes:
            locked.closed_at = now
            fields.append("closed_at")
        locked.save(update_fields=fields)
        _event(case, event_kind, actor=actor, referral=locked, need=locked.need)
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=locked,
            summary=f"referral {state.lower()}",
            changes={"state": state},
        )
        notify(_lead_recipients(case), kind=notification_kind, case=case, params_fn=_referral_params(locked))
    return locked


def referral_accept(*, actor: User, referral: Referral, note: str = "") -> Referral:
    """The addressed agency accepts a pending referral; from now on it sees the case's details it needs."""
    return _referral_answer(
        actor=actor,
        referral=referral,
        state=ReferralState.ACCEPTED,
        note=note,
        event_kind=CaseEventKind.REFERRAL_ACCEPTED,
        notification_kind=NotificationKind.REFERRAL_ACCEPTED,
        closes=False,
    )


def referral_decline(*, actor: User, referral: Referral, reason: str) -> Referral:
    """The addressed agency declines a pending referral, with its reason; it loses sight of the case."""
    if not (reason or "").strip():
        raise ApplicationError(
            _("Give the reason for declining."), code="reason_required", fields={"reason": [_("Required.")]}
        )
    return _referral_answer(
        actor=actor,
        referral=referral,
        state=ReferralState.DECLINED,
        note=reason,
        event_kind=CaseEventKind.REFERRAL_DECLINED,
        notification_kind=NotificationKind.REFERRAL_DECLINED,
        closes=True,
    )


def referral_report_services(
    *, actor: User, referral: Referral, description: str, delivered_on: date | None = None
) -> ReferralService:
    """The receiving agency reports a service it delivered under an accepted referral."""
    if not (description or "").strip():
        raise ApplicationError(
            _("Describe the service delivered."),
            code="validation_error",
            fields={"description": [_("Required.")]},
        )
    with transaction.atomic(durable=True):
        case, locked = referral_lock(referral.pk)
        _addressee_check(actor, locked)
        if locked.state != ReferralState.ACCEPTED:
            raise ApplicationError(
                _("Services are reported on an accepted referral."), code="referral_not_accepted", status=409
            )
        delivered = delivered_on or timezone.localdate()
        if delivered > timezone.localdate():
            raise ApplicationError(
                _("A service cannot be delivered in the future."),
                code="validation_error",
                fields={"delivered_on": [_("In the future.")]},
            )
        service = ReferralService.objects.create(
            referral=locked, description=description.strip(), delivered_on=delivered, reported_by=actor
        )
        sensitivity = (
            Sensitivity.INVESTIGATION
            if locked.need in ("INVESTIGATION", "PROSECUTION")
            else (
                Sensitivity.CARE
                if locked.need in ("URGENT_FIRST_AID", "REHABILITATION", "MEDICAL", "PSYCHOSOCIAL")
                else Sensitivity.GENERAL
            )
        )
        _event(
            case,
            CaseEventKind.REFERRAL_SERVICES,
            actor=actor,
            referral=locked,
            sensitivity=sensitivity,
            need=locked.need,
            service_id=service.pk,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=service,
            summary="services reported",
            changes={"referral": locked.pk},
        )
        notify(
            _lead_recipients(case),
            kind=NotificationKind.REFERRAL_UPDATE,
            case=case,
            params_fn=lambda: {"need": locked.get_need_display(), "what": _("services reported")},
        )
    return service


def _lead_closes_referral(
    *, actor: User, referral: Referral, state: str, reason: str, allowed_from: tuple[str, ...]
) -> Referral:
    with transaction.atomic(durable=True):
        case, locked = referral_lock(referral.pk)
        _require_relation(actor, case, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        return referral_close_in_transaction(
            actor=actor, case=case, referral=locked, state=state, reason=reason, allowed_from=allowed_from
        )


def referral_close_in_transaction(
    *, actor: User, case: Case, referral: Referral, state: str, reason: str, allowed_from: tuple[str, ...]
) -> Referral:
    """Done or revoked by the lead, inside the caller's transaction (the case and the referral are locked by
    it): a case closure settles its open referrals this way, all of them or none."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("referral_close_in_transaction() runs inside the caller's transaction.atomic()")
    locked = referral
    if locked.state not in allowed_from:
        raise ApplicationError(
            _("This referral cannot be changed in its current state."),
            code="referral_not_pending",
            status=409,
        )
    locked.state = state
    locked.closed_at, locked.closed_by, locked.close_reason = timezone.now(), actor, reason.strip()
    locked.save(update_fields=["state", "closed_at", "closed_by", "close_reason"])
    kind = CaseEventKind.REFERRAL_DONE if state == ReferralState.DONE else CaseEventKind.REFERRAL_REVOKED
    _event(case, kind, actor=actor, referral=locked, need=locked.need)
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=locked,
        summary=f"referral {state.lower()}",
        changes={"state": state},
    )
    what = (
        _("marked done by the lead agency")
        if state == ReferralState.DONE
        else _("revoked by the lead agency")
    )
    notify(
        agency_handlers(locked.to_agency_id),
        kind=NotificationKind.REFERRAL_UPDATE,
        case=case,
        params_fn=lambda: {"need": locked.get_need_display(), "what": what},
    )
    return locked


def referral_mark_done(*, actor: User, referral: Referral, note: str = "") -> Referral:
    """The lead agency closes an accepted referral whose services are delivered."""
    return _lead_closes_referral(
        actor=actor,
        referral=referral,
        state=ReferralState.DONE,
        reason=note,
        allowed_from=(ReferralState.ACCEPTED,),
    )


def referral_revoke(*, actor: User, referral: Referral, reason: str) -> Referral:
    """The lead agency withdraws a pending or accepted referral, with its reason."""
    if not (reason or "").strip():
        raise ApplicationError(
            _("Give the reason for revoking."), code="reason_required", fields={"reason": [_("Required.")]}
        )
    return _lead_closes_referral(
        actor=actor,
        referral=referral,
        state=ReferralState.REVOKED,
        reason=reason,
        allowed_from=(ReferralState.PENDING, ReferralState.ACCEPTED),
    )
