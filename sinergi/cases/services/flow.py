"""The case flow: loading flow versions, choosing a region's flow, moving a case between stages."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases import access
from sinergi.cases.access import Relation
from sinergi.cases.choices import (
    ApprovalKind,
    ApprovalState,
    CaseEventKind,
    CaseStatus,
    ClosureReason,
    Sensitivity,
    Track,
)
from sinergi.cases.flow import BY_LEAD, DEFAULT_FLOW_FILE, START, Flow, parse_flow, parse_flow_cached
from sinergi.cases.locks import case_lock
from sinergi.cases.models import (
    Approval,
    Case,
    FlowVersion,
)
from sinergi.cases.services._shared import (
    _check_version,
    _event,
    _first_action,
    _not_found,
    _require_open,
    _touch,
)
from sinergi.cases.services.records import _note_create
from sinergi.core.errors import ApplicationError

if TYPE_CHECKING:
    from sinergi.regions.models import Region

# A move's timeline data: "from" is a Python keyword, so it reaches _event's **data as a mapping, typed per key
# so that no value can be taken for one of _event's named parameters.
_Move = TypedDict("_Move", {"from": str, "to": str})
_Closing = TypedDict("_Closing", {"from": str, "to": str, "outcome": str | None})


def flow_of(case: Case) -> Flow:
    """The parsed flow version the case started with."""
    version = case.flow_version
    if "content" in version.get_deferred_fields():
        return flow_of_version(version.pk, version.sha256)
    return parse_flow_cached(version.content, version.source)


@lru_cache(maxsize=32)
def flow_of_version(version_id: int, sha256: str) -> Flow:
    """A stored flow version by id and digest, parsed. A list row carries its flow version without the YAML
    text; a stored version's content never changes (a new content is a new version), so it is read once per
    version and digest for the life of the process."""
    version = FlowVersion.objects.only("content", "source").get(pk=version_id)
    return parse_flow_cached(version.content, version.source)


def flow_version_load(
    *,
    text: str,
    source: str = "",
    province: Region | None = None,
    actor: User | None = None,
    activate: bool = True,
) -> FlowVersion:
    """Validates a flow file and stores it as a version (once per content and province); optionally makes it
    the active flow for new cases of that province (or nationally when `province` is None)."""
    flow = parse_flow(text, source=source)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if province is not None and getattr(province, "level", 1) != 1:
        raise ApplicationError(_("A flow is set per province."), code="validation_error")
    with transaction.atomic():
        version, created = FlowVersion.objects.get_or_create(
            sha256=digest,
            province=province,
            defaults={
                "code": flow.code,
                "name": flow.names.get("en", flow.code)[:200],
                "content": text,
                "source": str(source)[:300],
                "loaded_by": actor,
                "is_active": activate,
            },
        )
        if activate:
            FlowVersion.objects.filter(province=province, is_active=True).exclude(pk=version.pk).update(
                is_active=False
            )
            if not version.is_active:
                version.is_active = True
                version.save(update_fields=["is_active"])
        if created:
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=version,
                summary=f"flow {flow.code} loaded",
                changes={"sha256": digest, "province": getattr(province, "code", None)},
            )
    return version


def flow_version_for_region(region: Region | None) -> FlowVersion:
    """The active flow for new cases from `region`'s province, else the national one (loading the shipped
    default, or a province file named in settings.SINERGI_CASE_FLOW_FILES, the first time it is needed)."""
    from sinergi.regions.models import Region

    province_code = region.code[:2] if region is not None else None
    if province_code:
        found = FlowVersion.objects.filter(province_id=province_code, is_active=True).order_by("-id").first()
        if found:
            return found
        configured = getattr(settings, "SINERGI_CASE_FLOW_FILES", {}).get(province_code)
        if configured:
            path = Path(configured)
            province = Region.objects.get(pk=province_code)
            return flow_version_load(
                text=path.read_text(encoding="utf-8"), source=str(path), province=province
            )
    found = FlowVersion.objects.filter(province__isnull=True, is_active=True).order_by("-id").first()
    if found:
        return found
    path = Path(getattr(settings, "SINERGI_CASE_FLOW_FILE", "") or DEFAULT_FLOW_FILE)
    return flow_version_load(text=path.read_text(encoding="utf-8"), source=path.name)


def case_transition(
    *,
    actor: User,
    case: Case,
    to_stage: str,
    expected_version: int | None = None,
    outcome: str = "",
    note: str = "",
) -> Case:
    """Moves the case (care or legal track) along a transition its flow version allows, by an allowed agency
    type and role, after the approval the transition requires. Closing needs an outcome, and no referral or
    task left open: `services.case_close` settles them in the same step."""
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        return case_move_in_transaction(
            actor=actor,
            case=locked,
            to_stage=to_stage,
            expected_version=expected_version,
            outcome=outcome,
            note=note,
        )


def case_move_in_transaction(
    *,
    actor: User,
    case: Case,
    to_stage: str,
    expected_version: int | None = None,
    outcome: str = "",
    note: str = "",
) -> Case:
    """case_transition's body on a case the caller's transaction has locked (the closure composes it)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_move_in_transaction() runs inside the caller's transaction.atomic()")
    locked = case
    relation = access.relation_of(actor, locked)
    if relation is None:
        raise _not_found()
    _require_open(locked)
    _check_version(locked, expected_version)
    flow = flow_of(locked)
    target = flow.stage(to_stage)
    if target is None:
        raise ApplicationError(
            _("This flow has no stage “%(stage)s”.") % {"stage": to_stage}, code="transition_not_allowed"
        )
    current = locked.stage if target.track == Track.CARE else (locked.legal_stage or START)
    transition = flow.transition(current, to_stage, target.track)
    if transition is None:
        current_stage = flow.stage(current)
        raise ApplicationError(
            _("The flow does not allow moving from “%(from)s” to “%(to)s”.")
            % {"from": current_stage.label if current_stage else current, "to": target.label},
            code="transition_not_allowed",
        )
    allowed_relations = (
        (Relation.LEAD,) if transition.by == BY_LEAD else (Relation.LEAD, Relation.PARTICIPANT)
    )
    wrong_agency_type = False
    if transition.agency_types is not None:
        agency = actor.agency
        assert agency is not None  # relation_of gives no relation to a user without an agency
        wrong_agency_type = agency.type not in transition.agency_types
    if relation not in allowed_relations or not actor.has_role(*transition.roles) or wrong_agency_type:
        raise ApplicationError(
            _("Your agency or role may not make this move in the flow."),
            code="transition_not_allowed",
            status=403,
        )
    if transition.requires_approval:
        latest = (
            Approval.objects.filter(case=locked, kind=transition.requires_approval)
            .order_by("-requested_at", "-id")
            .first()
        )
        if latest is None or latest.state != ApprovalState.APPROVED:
            raise ApplicationError(
                _("This step needs a supervisor's approval of the %(kind)s first.")
                % {"kind": ApprovalKind(transition.requires_approval).label.lower()},
                code="approval_required",
            )
    now = timezone.now()
    if target.track == Track.LEGAL:
        locked.legal_stage = target.code
        changed = ["legal_stage", *_first_action(locked, now)]
        _touch(locked, *changed, at=now)
        _event(
            locked,
            CaseEventKind.LEGAL_STEP,
            actor=actor,
            sensitivity=Sensitivity.INVESTIGATION,
            **_Move({"from": current, "to": target.code}),
        )
    else:
        changed = ["stage", "stage_entered_at", "stage_due_at", *_first_action(locked, now)]
        locked.stage = target.code
        locked.stage_entered_at = now
        locked.stage_due_at = now + target.deadline.delta if target.deadline else None
        if "repatriated" in target.marks and locked.repatriated_at is None:
            locked.repatriated_at = now
            changed.append("repatriated_at")
        if target.final:
            if outcome not in ClosureReason.values:
                raise ApplicationError(
                    _("Choose the outcome of the case before closing it."),
                    code="outcome_required",
                    fields={"outcome": [_("Required.")]},
                )
            _require_nothing_open(locked)
            locked.status = CaseStatus.CLOSED
            locked.closed_at = now
            locked.closure_reason = outcome
            changed += ["status", "closed_at", "closure_reason"]
        _touch(locked, *changed, at=now)
        _event(
            locked,
            CaseEventKind.CLOSED if target.final else CaseEventKind.TRANSITION,
            actor=actor,
            **_Closing({"from": current, "to": target.code, "outcome": outcome or None}),
        )
    if note:
        _note_create(actor=actor, case=locked, text=note, sensitivity=Sensitivity.GENERAL)
    audit_record(
        actor=actor,
        action=AuditAction.TRANSITION,
        obj=locked,
        summary=f"{target.track} {current} -> {target.code}",
        changes={"from": current, "to": target.code, "outcome": outcome or None},
    )
    return locked


def _require_nothing_open(case: Case) -> None:
    """A case is closed with its referrals and tasks settled; the closing page asks what happens to each."""
    from sinergi.cases.models import Referral, Task

    referrals = list(
        Referral.objects.filter(case=case, state__in=access.OPEN_REFERRAL_STATES).select_related("to_agency")
    )
    tasks = list(Task.objects.filter(case=case, done_at__isnull=True))
    if not (referrals or tasks):
        return
    named = [
        _("referral %(need)s to %(agency)s") % {"need": r.get_need_display(), "agency": r.to_agency.name}
        for r in referrals
    ] + [_("task “%(title)s”") % {"title": t.title} for t in tasks]
    raise ApplicationError(
        _("Decide first what happens to what is still open: %(open)s.") % {"open": "; ".join(named)},
        code="closure_decision_required",
    )
