"""Closing a case so that nothing is left hanging: every open referral and task settled, each victim's final
status recorded, the agencies involved told, then the flow's final step (with its supervisor approval)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases import access
from sinergi.cases.access import MANAGE_ROLES, Relation
from sinergi.cases.choices import (
    CaseEventKind,
    NotificationKind,
    PartyRole,
    ReferralState,
    Track,
    VictimStatus,
)
from sinergi.cases.locks import case_lock
from sinergi.cases.models import Case, CaseParty, Referral, Task
from sinergi.cases.notifications import agency_handlers, notify
from sinergi.cases.services._shared import _check_version, _event, _require_open, _require_relation
from sinergi.cases.services.flow import case_move_in_transaction, flow_of
from sinergi.cases.services.records import victim_status_write
from sinergi.cases.services.referrals import referral_close_in_transaction
from sinergi.core.errors import ApplicationError

DONE = "DONE"
REVOKE = "REVOKE"
CANCEL = "CANCEL"


@dataclass(frozen=True)
class Decision:
    """What happens to one open referral (DONE or REVOKE) or task (DONE or CANCEL); a reason for the latter."""

    action: str
    reason: str = ""


def referral_label(referral: Referral) -> str:
    return _("%(need)s to %(agency)s") % {
        "need": referral.get_need_display(),
        "agency": referral.to_agency.name,
    }


def case_close(
    *,
    actor: User,
    case: Case,
    outcome: str,
    referral_decisions: dict[int, Decision],
    task_decisions: dict[int, Decision],
    victim_statuses: dict[int, str],
    expected_version: int | None = None,
    note: str = "",
) -> Case:
    """Closes the case (lead agency) in one transaction: settles each open referral (done, or revoked with a
    reason) and task (done, or cancelled with a reason), records each victim's final status, moves the case to
    its flow's final stage (which needs the supervisor's approval of the closure) and tells every agency that
    took part. A missing or incomplete decision refuses the whole closure, naming what it concerns
    (`closure_decision_required`, `.fields` keyed `referral-<id>`, `task-<id>`, `victim-<party id>`)."""
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        _require_open(locked)
        _check_version(locked, expected_version)
        final = next(s for s in flow_of(locked).stages_of(Track.CARE) if s.final)
        referrals = list(
            Referral.objects.select_for_update(of=("self",))
            .filter(case=locked, state__in=access.OPEN_REFERRAL_STATES)
            .select_related("to_agency")
            .order_by("id")
        )
        tasks = list(
            Task.objects.select_for_update(of=("self",))
            .filter(case=locked, done_at__isnull=True)
            .select_related("owner_agency")
            .order_by("id")
        )
        victims = list(
            CaseParty.objects.select_for_update(of=("self",))
            .filter(case=locked, role=PartyRole.VICTIM)
            .order_by("id")
        )
        _check_decisions(referrals, tasks, victims, referral_decisions, task_decisions, victim_statuses)
        involved = {
            r.to_agency_id: r
            for r in Referral.objects.filter(
                case=locked, state__in=(ReferralState.ACCEPTED, ReferralState.DONE)
            ).select_related("to_agency")
        }
        for referral in referrals:
            decision = referral_decisions[referral.pk]
            referral_close_in_transaction(
                actor=actor,
                case=locked,
                referral=referral,
                state=ReferralState.DONE if decision.action == DONE else ReferralState.REVOKED,
                reason=decision.reason,
                allowed_from=(ReferralState.ACCEPTED,)
                if decision.action == DONE
                else access.OPEN_REFERRAL_STATES,
            )
        for task in tasks:
            _task_settle(actor, locked, task, task_decisions[task.pk])
        for party in victims:
            status = victim_statuses[party.pk]
            if status != party.victim_status or party.victim_status_by_id != actor.agency_id:
                victim_status_write(actor, locked, party, status, summary="victim status decided at closure")
        closed = case_move_in_transaction(
            actor=actor, case=locked, to_stage=final.code, outcome=outcome, note=note
        )
        _notify_involved(closed, involved)
    return closed


def _check_decisions(
    referrals: list[Referral],
    tasks: list[Task],
    victims: list[CaseParty],
    referral_decisions: dict[int, Decision],
    task_decisions: dict[int, Decision],
    victim_statuses: dict[int, str],
) -> None:
    """Every open item has a complete decision; otherwise one refusal that lists all that is missing. The lead
    may mark any agency's task done at closure: it answers for the whole case and knows what was delivered."""
    fields: dict[str, list[str]] = {}
    named: list[str] = []
    for referral in referrals:
        decision = referral_decisions.get(referral.pk)
        key = f"referral-{referral.pk}"
        if decision is None or decision.action not in (DONE, REVOKE):
            fields[key] = [_("Choose: done, or revoked with a reason.")]
            named.append(_("referral %(label)s") % {"label": referral_label(referral)})
        elif decision.action == DONE and referral.state != ReferralState.ACCEPTED:
            fields[key] = [_("A referral still awaiting an answer can only be revoked.")]
            named.append(_("referral %(label)s") % {"label": referral_label(referral)})
        elif decision.action == REVOKE and not decision.reason.strip():
            fields[key] = [_("Give the reason for revoking.")]
            named.append(_("referral %(label)s") % {"label": referral_label(referral)})
    for task in tasks:
        decision = task_decisions.get(task.pk)
        key = f"task-{task.pk}"
        if decision is None or decision.action not in (DONE, CANCEL):
            fields[key] = [_("Choose: done, or cancelled with a reason.")]
        elif decision.action == CANCEL and not decision.reason.strip():
            fields[key] = [_("Give the reason for cancelling.")]
        else:
            continue
        named.append(_("task “%(title)s”") % {"title": task.title})
    for index, party in enumerate(victims, start=1):
        if victim_statuses.get(party.pk) not in VictimStatus.values:
            fields[f"victim-{party.pk}"] = [_("Choose the victim's final status.")]
            named.append(_("status of victim %(n)s") % {"n": index})
    if fields:
        raise ApplicationError(
            _("The case was not closed. Decide first: %(open)s.") % {"open": "; ".join(named)},
            code="closure_decision_required",
            fields=fields,
        )


def _task_settle(actor: User, case: Case, task: Task, decision: Decision) -> None:
    task.done_at, task.done_by = timezone.now(), actor
    task.cancel_reason = decision.reason.strip()[:500] if decision.action == CANCEL else ""
    task.save(update_fields=["done_at", "done_by", "cancel_reason"])
    _event(
        case, CaseEventKind.TASK_COMPLETED, actor=actor, task_id=task.pk, cancelled=decision.action == CANCEL
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=task,
        summary="task cancelled at closure" if decision.action == CANCEL else "task completed at closure",
        changes={"done": True, "cancelled": decision.action == CANCEL},
    )


def _notify_involved(case: Case, involved: dict[int, Referral]) -> None:
    """Each agency that took part (accepted or done referrals) learns that the case is closed, once."""
    for agency_id, referral in involved.items():
        if agency_id == case.lead_agency_id:
            continue
        notify(
            agency_handlers(agency_id),
            kind=NotificationKind.REFERRAL_UPDATE,
            case=case,
            params_fn=lambda referral=referral: {
                "need": referral.get_need_display(),
                "what": _("the lead agency closed the case (%(outcome)s)")
                % {"outcome": case.get_closure_reason_display()},
            },
        )
