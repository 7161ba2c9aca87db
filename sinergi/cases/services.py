"""Every write to a case. Each service runs in one transaction, checks who may act (access.py) and what the
flow allows (flow.py), writes its timeline event (CaseEvent) and audit row in that same transaction, and sends
notifications after commit. Refusals raise ApplicationError with a stable code and change nothing.

Codes: permission_denied, not_found, transition_not_allowed, approval_required, outcome_required, case_closed,
conflict, not_addressee, referral_not_pending, referral_not_accepted, referral_exists, agency_not_eligible,
deadline_in_past, reason_required, transfer_exists, own_request, invalid_file, file_too_large, invalid_flow.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.choices import Role
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases import access
from sinergi.cases.access import MANAGE_ROLES, WRITE_ROLES, Relation
from sinergi.cases.choices import (
    AgeGroup,
    ApprovalKind,
    ApprovalState,
    CaseEventKind,
    CaseStatus,
    ClosureReason,
    Consent,
    NotificationKind,
    PartyRole,
    ReferralState,
    Sensitivity,
    Track,
    TransferState,
    VictimStatus,
)
from sinergi.cases.flow import BY_LEAD, DEFAULT_FLOW_FILE, START, Flow, parse_flow, parse_flow_cached
from sinergi.cases.locks import case_lock, referral_lock, task_lock, transfer_lock
from sinergi.cases.models import (
    Approval,
    Case,
    CaseEvent,
    CaseOrganisation,
    CaseParty,
    Document,
    FlowVersion,
    LeadTransfer,
    Note,
    ReferenceCounter,
    Referral,
    ReferralService,
    RouteEvent,
    ShareOverride,
    Task,
)
from sinergi.cases.notifications import agency_handlers, agency_supervisors, notify
from sinergi.core.errors import ApplicationError, ConflictError

# Fields of the case record that case_update may change (the rest belong to the flow or to intake).
UPDATABLE_FIELDS = (
    "narrative",
    "intake_channel",
    "reported_at",
    "origin_region",
    "destination_country",
    "destination_city",
    "victim_abroad",
    "recruitment_channel",
    "recruitment_app",
    "promised_job",
    "promised_salary",
    "fees_paid",
    "fees_description",
    "documents_used",
    "visa_type",
    "exploitation_types",
    "labour_sector",
    "means_of_control",
)


# --- helpers -------------------------------------------------------------------------------------------------


def _denied(message=None):
    return ApplicationError(
        message or _("You are not allowed to do this."), code="permission_denied", status=403
    )


def _not_found():
    return ApplicationError(_("Case not found."), code="not_found", status=404)


def _require_relation(actor, case, *, allowed: tuple[Relation, ...], roles=WRITE_ROLES) -> Relation:
    relation = access.relation_of(actor, case)
    if relation is None:
        raise _not_found()
    if relation not in allowed or not actor.has_role(*roles):
        raise _denied()
    return relation


def _require_open(case):
    if case.status != CaseStatus.OPEN:
        raise ApplicationError(_("The case is closed."), code="case_closed", status=409)


def _check_version(case, expected_version):
    if expected_version is not None and int(expected_version) != case.version:
        raise ConflictError(
            _("Someone else changed this case while you were working on it. Reload it and try again."),
            code="conflict",
        )


def _clean(obj, exclude=None):
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ApplicationError(
            _("Some fields are not valid."),
            code="validation_error",
            fields={k: [str(m) for m in v] for k, v in exc.message_dict.items()},
        ) from exc


def _event(case, kind, *, actor=None, agency=None, sensitivity=Sensitivity.GENERAL, referral=None, **data):
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        agency=agency if agency is not None else getattr(actor, "agency", None),
        sensitivity=sensitivity,
        referral=referral,
        data=data,
    )


def _touch(case, *fields, at=None):
    """Saves the listed fields and bumps the optimistic-lock version (the caller holds the row lock)."""
    case.version += 1
    case.updated_at = at or timezone.now()
    case.save(update_fields=[*fields, "version", "updated_at"])


def _first_action(case, at):
    if case.first_action_at is None:
        case.first_action_at = at
        return ["first_action_at"]
    return []


def _reindex_case(case_id):
    if connection.vendor == "postgresql":
        Case.objects.filter(pk=case_id).update(
            search_vector=SearchVector("reference", weight="A", config="simple")
            + SearchVector("narrative", "promised_job", "destination_city", weight="B", config="simple")
        )


def _reindex_note(note_id):
    if connection.vendor == "postgresql":
        Note.objects.filter(pk=note_id).update(search_vector=SearchVector("text", config="simple"))


def flow_of(case) -> Flow:
    """The parsed flow version the case started with."""
    version = case.flow_version
    return parse_flow_cached(version.content, version.source)


# --- flow versions ------------------------------------------------------------------------------------------


def flow_version_load(
    *, text: str, source: str = "", province=None, actor=None, activate: bool = True
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


def flow_version_for_region(region) -> FlowVersion:
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


# --- intake and the record ------------------------------------------------------------------------------------


def _next_reference(agency, year: int) -> str:
    counter, _created = ReferenceCounter.objects.get_or_create(agency=agency, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    number = ReferenceCounter.objects.values_list("last", flat=True).get(pk=counter.pk)
    return f"{agency.code.upper()}/{year}/{number:05d}"


def case_intake(
    *,
    actor,
    intake_channel: str,
    narrative: str = "",
    reported_at: datetime | None = None,
    lead_agency=None,
    assigned_to=None,
    parties: list[dict] | None = None,
    **fields,
) -> Case:
    """Registers a new case from any channel with what is known now; it starts at the flow's first stage.

    Call selectors.case_intake_duplicates first to warn the user of a probable duplicate; this service does
    not refuse one, because two reports of one victim can be two cases.
    `parties` is a list of {"person": Person, "role": PartyRole, "age_group": AgeGroup}; instead of "person" an
    entry may hold "new_person": people.services.PersonData (and "confirm_nik_mismatch": True), recorded in the
    same transaction as the case: a refused intake leaves no new person behind. A ValidationError raised for
    such an entry carries `party_index`, its position in `parties`.
    """
    if getattr(actor, "agency_id", None) is None or not actor.has_role(*MANAGE_ROLES, Role.INVESTIGATOR):
        raise _denied()
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown fields."), code="validation_error", fields={k: [_("Unknown field.")] for k in unknown}
        )
    now = timezone.now()
    lead = lead_agency or actor.agency
    if lead.pk != actor.agency_id:
        # Registering on behalf of another agency would hand it a case it never saw: use a transfer instead.
        raise _denied(_("A case is registered by the agency that leads it; transfer the lead afterwards."))
    with transaction.atomic(durable=True):
        region = fields.get("origin_region") or getattr(lead, "jurisdiction", None)
        version = flow_version_for_region(region)
        flow = parse_flow_cached(version.content, version.source)
        stage = flow.initial(Track.CARE)
        reported = reported_at or now
        case = Case(
            reference=_next_reference(actor.agency, timezone.localtime(now).year),
            intake_agency=actor.agency,
            intake_channel=intake_channel,
            narrative=narrative,
            reported_at=reported,
            lead_agency=lead,
            assigned_to=assigned_to,
            flow_version=version,
            stage=stage.code,
            stage_entered_at=now,
            stage_due_at=(reported + stage.deadline.delta) if stage.deadline else None,
            created_by=actor,
            created_at=now,
            updated_at=now,
            **fields,
        )
        if assigned_to is not None and assigned_to.agency_id != lead.pk:
            raise ApplicationError(
                _("Assign the case to someone in the lead agency."), code="validation_error"
            )
        if case.reported_at > now + timedelta(minutes=5):
            raise ApplicationError(
                _("The report date cannot be in the future."),
                code="validation_error",
                fields={"reported_at": [_("In the future.")]},
            )
        _clean(case, exclude=["reference", "search_vector"])
        case.save()
        _event(case, CaseEventKind.CREATED, actor=actor, stage=stage.code, channel=intake_channel)
        for index, entry in enumerate(parties or []):
            entry = dict(entry)
            new_person = entry.pop("new_person", None)
            confirm = entry.pop("confirm_nik_mismatch", False)
            if new_person is not None:
                entry["person"] = _record_new_person(
                    actor, new_person, confirm_nik_mismatch=confirm, party_index=index
                )
            _party_add(actor=actor, case=case, **entry)
        _reindex_case(case.pk)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=case,
            summary=f"case intake via {intake_channel}",
            changes={"stage": stage.code, "flow": version.sha256[:12], "lead_agency": lead.pk},
        )
        if assigned_to is not None and assigned_to.pk != actor.pk:
            notify([assigned_to], kind=NotificationKind.ASSIGNMENT, case=case, params_fn=dict)
    return case


def _record_new_person(actor, data, *, confirm_nik_mismatch: bool = False, party_index: int = 0):
    """A new person recorded inside the calling case service's transaction; a ValidationError names the party
    (`party_index`) so that the intake page can put the messages on the right row."""
    from sinergi.people.services import person_create_in_transaction

    try:
        return person_create_in_transaction(actor=actor, data=data, confirm_nik_mismatch=confirm_nik_mismatch)
    except ValidationError as exc:
        exc.party_index = party_index
        raise


def case_update(*, actor, case, expected_version: int | None, **fields) -> Case:
    """Changes the modus, route and narrative of a case (lead agency). `expected_version` is the version the
    user read: if someone changed the case since, ConflictError and nothing is saved."""
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown fields."), code="validation_error", fields={k: [_("Unknown field.")] for k in unknown}
        )
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        _require_open(locked)
        _check_version(locked, expected_version)
        changed = [name for name, value in fields.items() if getattr(locked, name) != value]
        for name in changed:
            setattr(locked, name, fields[name])
        if not changed:
            return locked
        _clean(locked, exclude=["search_vector"])
        _touch(locked, *changed)
        _event(locked, CaseEventKind.UPDATED, actor=actor, fields=sorted(changed))
        if {"narrative", "promised_job", "destination_city"} & set(changed):
            _reindex_case(locked.pk)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary="case updated",
            changes={"fields": sorted(changed)},
        )
    return locked


def case_assign(*, actor, case, assignee, expected_version: int | None = None) -> Case:
    """Gives the case to a case worker of the lead agency, who is notified."""
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        _require_open(locked)
        _check_version(locked, expected_version)
        if (
            assignee.agency_id != locked.lead_agency_id
            or not assignee.is_active
            or not assignee.has_role(*WRITE_ROLES)
        ):
            raise ApplicationError(
                _("Assign the case to a case worker of the lead agency."), code="validation_error"
            )
        locked.assigned_to = assignee
        _touch(locked, "assigned_to")
        _event(locked, CaseEventKind.ASSIGNED, actor=actor, assignee_id=assignee.pk)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary="case assigned",
            changes={"assigned_to": assignee.pk},
        )
        if assignee.pk != actor.pk:
            notify([assignee], kind=NotificationKind.ASSIGNMENT, case=locked, params_fn=dict)
    return locked


def case_transition(
    *, actor, case, to_stage: str, expected_version: int | None = None, outcome: str = "", note: str = ""
) -> Case:
    """Moves the case (care or legal track) along a transition its flow version allows, by an allowed agency
    type and role, after the approval the transition requires. Closing needs an outcome."""
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
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
            raise ApplicationError(
                _("The flow does not allow moving from “%(from)s” to “%(to)s”.")
                % {"from": flow.stage(current).label if flow.stage(current) else current, "to": target.label},
                code="transition_not_allowed",
            )
        allowed_relations = (
            (Relation.LEAD,) if transition.by == BY_LEAD else (Relation.LEAD, Relation.PARTICIPANT)
        )
        if (
            relation not in allowed_relations
            or not actor.has_role(*transition.roles)
            or (transition.agency_types is not None and actor.agency.type not in transition.agency_types)
        ):
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
                **{"from": current, "to": target.code},
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
                locked.status = CaseStatus.CLOSED
                locked.closed_at = now
                locked.closure_reason = outcome
                changed += ["status", "closed_at", "closure_reason"]
            _touch(locked, *changed, at=now)
            _event(
                locked,
                CaseEventKind.CLOSED if target.final else CaseEventKind.TRANSITION,
                actor=actor,
                **{"from": current, "to": target.code, "outcome": outcome or None},
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


# --- people, organisations and the route -------------------------------------------------------------------


def _party_add(*, actor, case, person, role, age_group=AgeGroup.UNKNOWN, **extra) -> CaseParty:
    party = CaseParty(
        case=case,
        person=person,
        role=role,
        age_group=age_group,
        added_by=actor,
        victim_status=VictimStatus.POSSIBLE if role == PartyRole.VICTIM else "",
        victim_status_by=actor.agency if role == PartyRole.VICTIM else None,
        victim_status_at=timezone.now() if role == PartyRole.VICTIM else None,
        **extra,
    )
    _clean(party, exclude=["case"])
    if CaseParty.objects.filter(case=case, person=person, role=role).exists():
        raise ApplicationError(
            _("This person is already linked to the case in that role."), code="validation_error"
        )
    party.save()
    _event(case, CaseEventKind.PARTY_ADDED, actor=actor, party_id=party.pk, role=role, age_group=age_group)
    return party


def case_party_add(
    *,
    actor,
    case,
    role: str,
    person=None,
    new_person=None,
    confirm_nik_mismatch: bool = False,
    age_group: str = AgeGroup.UNKNOWN,
    **extra,
) -> CaseParty:
    """Links a person record to the case as victim, witness, suspect, recruiter or reporter (lead agency).
    A victim starts as a possible victim, decided by the lead agency. Instead of `person`, `new_person`
    (people.services.PersonData) records a new person in the same transaction: a refusal leaves none behind."""
    if (person is None) == (new_person is None):
        raise ApplicationError(_("Choose a person record or enter a new one."), code="validation_error")
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        _require_open(locked)
        if new_person is not None:
            person = _record_new_person(actor, new_person, confirm_nik_mismatch=confirm_nik_mismatch)
        party = _party_add(actor=actor, case=locked, person=person, role=role, age_group=age_group, **extra)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=party,
            summary=f"party {role} linked",
            changes={"case": locked.pk, "person": person.pk},
        )
    return party


def victim_status_set(*, actor, party, status: str) -> CaseParty:
    """Records the victim's trafficking status and that the actor's agency decided it (lead or participant)."""
    with transaction.atomic(durable=True):
        locked = case_lock(party.case_id)
        _require_relation(actor, locked, allowed=(Relation.LEAD, Relation.PARTICIPANT))
        party = CaseParty.objects.select_for_update().get(pk=party.pk)
        if party.role != PartyRole.VICTIM or status not in VictimStatus.values:
            raise ApplicationError(_("Only a victim has a victim status."), code="validation_error")
        party.victim_status = status
        party.victim_status_by = actor.agency
        party.victim_status_at = timezone.now()
        party.save(update_fields=["victim_status", "victim_status_by", "victim_status_at"])
        _event(locked, CaseEventKind.VICTIM_STATUS, actor=actor, party_id=party.pk, status=status)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=party,
            summary="victim status decided",
            changes={"victim_status": status},
        )
    return party


def consent_record(*, actor, party, consent: str) -> CaseParty:
    """Records whether the victim agrees to their identity being shared with the other agencies on the case."""
    with transaction.atomic(durable=True):
        locked = case_lock(party.case_id)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        party = CaseParty.objects.select_for_update().get(pk=party.pk)
        if party.role != PartyRole.VICTIM or consent not in Consent.values:
            raise ApplicationError(_("Consent is recorded for victims."), code="validation_error")
        party.consent_to_share = consent
        party.consent_at = timezone.now()
        party.consent_by = actor
        party.save(update_fields=["consent_to_share", "consent_at", "consent_by"])
        _event(locked, CaseEventKind.CONSENT_RECORDED, actor=actor, party_id=party.pk, consent=consent)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=party,
            summary="consent recorded",
            changes={"consent_to_share": consent},
        )
    return party


def share_override(*, actor, party, agency, reason: str) -> ShareOverride:
    """Shares a victim's identity with one agency without consent: explicit, with a reason, audited as
    SHARE_OVERRIDE (for example a child in danger, or an investigation that cannot wait)."""
    if not (reason or "").strip():
        raise ApplicationError(_("Give the reason for sharing without consent."), code="reason_required")
    with transaction.atomic(durable=True):
        locked = case_lock(party.case_id)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        if party.role != PartyRole.VICTIM:
            raise ApplicationError(_("Consent overrides concern victims."), code="validation_error")
        if agency.pk == locked.lead_agency_id:
            raise ApplicationError(_("The lead agency already sees the victim."), code="validation_error")
        override, created = ShareOverride.objects.get_or_create(
            party=party, agency=agency, defaults={"reason": reason.strip(), "created_by": actor}
        )
        if created:
            _event(locked, CaseEventKind.SHARE_OVERRIDE, actor=actor, party_id=party.pk, agency_id=agency.pk)
            audit_record(
                actor=actor,
                action=AuditAction.SHARE_OVERRIDE,
                obj=party,
                summary="victim identity shared without consent",
                changes={"case": locked.pk, "agency": agency.pk},
            )
    return override


def case_organisation_add(*, actor, case, name: str, kind: str, **extra) -> CaseOrganisation:
    """Records an organisation among the perpetrators: a placement company, a sponsor, an employer."""
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        org = CaseOrganisation(case=locked, name=name, kind=kind, added_by=actor, **extra)
        _clean(org)
        org.save()
        _event(
            locked,
            CaseEventKind.ORGANISATION_ADDED,
            actor=actor,
            sensitivity=Sensitivity.INVESTIGATION,
            organisation_id=org.pk,
            organisation_kind=kind,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=org,
            summary=f"organisation {kind} linked",
            changes={"case": locked.pk},
        )
    return org


def route_event_add(*, actor, case, kind: str, **fields) -> RouteEvent:
    """Records an HTCDS historic event (recruitment, transit, exploitation...) with place and date."""
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD, Relation.PARTICIPANT))
        event = RouteEvent(case=locked, kind=kind, added_by=actor, **fields)
        _clean(event)
        event.save()
        _event(locked, CaseEventKind.ROUTE_EVENT_ADDED, actor=actor, route_event_id=event.pk, route_kind=kind)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=event,
            summary=f"route event {kind}",
            changes={"case": locked.pk},
        )
    return event


# --- referrals -----------------------------------------------------------------------------------------------


def _referral_params(referral):
    return lambda: {"agency": referral.to_agency.name, "need": referral.get_need_display()}


def referral_create(
    *, actor, case, to_agency, need: str, reason: str, due_at: datetime | None = None
) -> Referral:
    """The lead agency refers (part of) a case to another agency with a reason. The services are due by
    `due_at` (default: the flow's deadline for the need, e.g. 7 days under UU 21/2007 art. 52); the agency
    must answer by the flow's configurable answer deadline."""
    if not (reason or "").strip():
        raise ApplicationError(
            _("Give the reason for the referral."),
            code="reason_required",
            fields={"reason": [_("Required.")]},
        )
    now = timezone.now()
    if due_at is not None and due_at <= now:
        raise ApplicationError(
            _("The deadline is in the past."),
            code="deadline_in_past",
            fields={"due_at": [_("Choose a date in the future.")]},
        )
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        _require_open(locked)
        flow = flow_of(locked)
        rule = flow.needs.get(need)
        if rule is None or not to_agency.is_active or to_agency.type not in rule.agency_types:
            raise ApplicationError(
                _("%(agency)s cannot receive a referral for this need under the case's flow.")
                % {"agency": to_agency.name},
                code="agency_not_eligible",
            )
        if to_agency.pk == locked.lead_agency_id:
            raise ApplicationError(
                _("A case cannot be referred to its own lead agency."), code="agency_not_eligible"
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
            deadline_source=(rule.deadline.source if due_at is None else _("Set by the referring agency"))[
                :200
            ],
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


def _addressee_check(actor, referral):
    if actor.agency_id != referral.to_agency_id:
        raise ApplicationError(
            _("Only the agency this referral is addressed to can answer it."),
            code="not_addressee",
            status=403,
        )
    if not actor.has_role(*WRITE_ROLES):
        raise _denied()


def _lead_recipients(case):
    recipients = list(agency_supervisors(case.lead_agency_id))
    if case.assigned_to_id:
        recipients.insert(0, case.assigned_to)
    return recipients or list(agency_handlers(case.lead_agency_id))


def _referral_answer(
    *, actor, referral, state: str, note: str, event_kind: str, notification_kind: str, closes: bool
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


def referral_accept(*, actor, referral, note: str = "") -> Referral:
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


def referral_decline(*, actor, referral, reason: str) -> Referral:
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
    *, actor, referral, description: str, delivered_on: date | None = None
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
    *, actor, referral, state: str, reason: str, allowed_from: tuple[str, ...]
) -> Referral:
    with transaction.atomic(durable=True):
        case, locked = referral_lock(referral.pk)
        _require_relation(actor, case, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
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


def referral_mark_done(*, actor, referral, note: str = "") -> Referral:
    """The lead agency closes an accepted referral whose services are delivered."""
    return _lead_closes_referral(
        actor=actor,
        referral=referral,
        state=ReferralState.DONE,
        reason=note,
        allowed_from=(ReferralState.ACCEPTED,),
    )


def referral_revoke(*, actor, referral, reason: str) -> Referral:
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


# --- lead transfer -------------------------------------------------------------------------------------------


def lead_transfer_request(*, actor, case, to_agency, reason: str) -> LeadTransfer:
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


def _transfer_answer(*, actor, transfer, accept: bool, note: str) -> LeadTransfer:
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
            case.lead_agency = actor.agency
            case.assigned_to = None
            _touch(case, "lead_agency", "assigned_to", at=now)
            # A referral to the new lead would now point at itself: it is done by the transfer.
            Referral.objects.filter(
                case=case, to_agency=actor.agency, state__in=access.OPEN_REFERRAL_STATES
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
        notify(
            agency_handlers(previous_lead.pk),
            kind=NotificationKind.TRANSFER,
            case=case,
            params_fn=lambda: {"what": what, "agency": actor.agency.name},
        )
    return locked


def lead_transfer_accept(*, actor, transfer, note: str = "") -> LeadTransfer:
    """The agency asked to take over accepts: it becomes the lead, the former lead loses access."""
    return _transfer_answer(actor=actor, transfer=transfer, accept=True, note=note)


def lead_transfer_decline(*, actor, transfer, reason: str) -> LeadTransfer:
    """The agency asked to take over declines, with its reason."""
    if not (reason or "").strip():
        raise ApplicationError(
            _("Give the reason for declining."), code="reason_required", fields={"reason": [_("Required.")]}
        )
    return _transfer_answer(actor=actor, transfer=transfer, accept=False, note=reason)


# --- approvals -----------------------------------------------------------------------------------------------


def approval_request(*, actor, case, kind: str, note: str = "") -> Approval:
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


def approval_decide(*, actor, approval, approve: bool, note: str = "") -> Approval:
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


# --- notes, tasks, documents -------------------------------------------------------------------------------


def _note_create(*, actor, case, text, sensitivity) -> Note:
    note = Note(case=case, author=actor, agency=actor.agency, text=text.strip(), sensitivity=sensitivity)
    _clean(note, exclude=["search_vector"])
    note.save()
    _reindex_note(note.pk)
    _event(case, CaseEventKind.NOTE_ADDED, actor=actor, sensitivity=sensitivity, note_id=note.pk)
    return note


def note_add(*, actor, case, text: str, sensitivity: str = Sensitivity.GENERAL) -> Note:
    """Adds a note. Its sensitivity decides who reads it; nobody writes a note of a kind they may not read."""
    if not (text or "").strip():
        raise ApplicationError(
            _("The note is empty."), code="validation_error", fields={"text": [_("Required.")]}
        )
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        relation = _require_relation(actor, locked, allowed=(Relation.LEAD, Relation.PARTICIPANT))
        _require_open(locked)
        if sensitivity not in access.sensitivities_for(actor, relation):
            raise _denied(_("Your agency may not write notes of this kind on this case."))
        note = _note_create(actor=actor, case=locked, text=text, sensitivity=sensitivity)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=note,
            summary=f"note {sensitivity}",
            changes={"case": locked.pk},
        )
    return note


def task_create(*, actor, case, title: str, owner, due_at: datetime, referral=None) -> Task:
    """Creates a service task for someone of the actor's own agency, due at `due_at` (not in the past)."""
    if due_at <= timezone.now():
        raise ApplicationError(
            _("The deadline is in the past."),
            code="deadline_in_past",
            fields={"due_at": [_("Choose a date in the future.")]},
        )
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD, Relation.PARTICIPANT))
        _require_open(locked)
        if owner.agency_id != actor.agency_id or not owner.is_active:
            raise ApplicationError(
                _("Give the task to someone in your own agency."),
                code="validation_error",
                fields={"owner": [_("Not in your agency.")]},
            )
        if referral is not None and referral.case_id != locked.pk:
            raise ApplicationError(_("That referral belongs to another case."), code="validation_error")
        task = Task(
            case=locked,
            title=(title or "").strip(),
            owner=owner,
            owner_agency=actor.agency,
            due_at=due_at,
            referral=referral,
            created_by=actor,
        )
        _clean(task)
        task.save()
        _event(
            locked,
            CaseEventKind.TASK_CREATED,
            actor=actor,
            task_id=task.pk,
            owner_id=owner.pk,
            due_at=due_at.isoformat(),
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=task,
            summary="task created",
            changes={"case": locked.pk, "owner": owner.pk},
        )
        if owner.pk != actor.pk:
            notify(
                [owner],
                kind=NotificationKind.TASK,
                case=locked,
                params_fn=lambda: {"due": timezone.localtime(due_at).strftime("%d-%m-%Y %H:%M")},
            )
    return task


def task_complete(*, actor, task) -> Task:
    """Marks a task done (someone of the agency that owns it)."""
    with transaction.atomic(durable=True):
        case, locked = task_lock(task.pk)
        _require_relation(actor, case, allowed=(Relation.LEAD, Relation.PARTICIPANT))
        if locked.owner_agency_id != actor.agency_id:
            raise _denied()
        if locked.done_at is not None:
            return locked
        locked.done_at, locked.done_by = timezone.now(), actor
        locked.save(update_fields=["done_at", "done_by"])
        _event(case, CaseEventKind.TASK_COMPLETED, actor=actor, task_id=locked.pk)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            summary="task completed",
            changes={"done": True},
        )
    return locked


# Content types recognised by their first bytes, never by the name or the browser's claim.
_MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]
_OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def detect_content_type(head: bytes, data: bytes) -> str | None:
    """The document's real type from its content, or None if it is not one Sinergi accepts."""
    for magic, content_type in _MAGIC:
        if head.startswith(magic):
            return content_type
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            return None
        for prefix, content_type in _OOXML.items():
            if any(name.startswith(prefix) for name in names):
                return content_type
        return None
    if b"\x00" not in data[:8192]:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        return "text/plain"
    return None


def document_upload(
    *, actor, case, uploaded_file, title: str = "", sensitivity: str = Sensitivity.GENERAL
) -> Document:
    """Stores a document under MEDIA_ROOT (outside the web root) with its SHA-256, after checking its size and
    its real type; it is served only by a permission-checked view."""
    limit = settings.SINERGI_MAX_UPLOAD_BYTES
    if uploaded_file.size is None or uploaded_file.size > limit:
        raise ApplicationError(
            _("The file is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)},
            code="file_too_large",
            fields={"file": [_("Too large.")]},
        )
    if uploaded_file.size == 0:
        raise ApplicationError(_("The file is empty."), code="invalid_file", fields={"file": [_("Empty.")]})
    data = uploaded_file.read()
    content_type = detect_content_type(data[:16], data)
    if content_type is None:
        raise ApplicationError(
            _(
                "This kind of file is not accepted: upload a PDF, an image (JPEG, PNG, WebP), a Word or Excel file, or plain text."
            ),
            code="invalid_file",
            fields={"file": [_("Type not accepted.")]},
        )
    original_name = Path(uploaded_file.name or "document").name[:200]
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        relation = _require_relation(actor, locked, allowed=(Relation.LEAD, Relation.PARTICIPANT))
        _require_open(locked)
        if sensitivity not in access.sensitivities_for(actor, relation):
            raise _denied(_("Your agency may not add documents of this kind on this case."))
        document = Document(
            case=locked,
            title=(title or original_name).strip()[:200],
            original_name=original_name,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            sensitivity=sensitivity,
            agency=actor.agency,
            uploaded_by=actor,
        )
        _clean(document, exclude=["file"])
        document.file.save("upload", ContentFile(data), save=False)
        # If the row cannot be written the stored file must not linger without it.
        try:
            document.save()
            _event(
                locked,
                CaseEventKind.DOCUMENT_ADDED,
                actor=actor,
                sensitivity=sensitivity,
                document_id=document.pk,
            )
            audit_record(
                actor=actor,
                action=AuditAction.CREATE,
                obj=document,
                summary="document uploaded",
                changes={"case": locked.pk, "sha256": document.sha256, "type": content_type},
            )
        except Exception:
            document.file.delete(save=False)
            raise
    return document


# --- escalation ------------------------------------------------------------------------------------------------


def cases_escalate_overdue(*, now: datetime | None = None) -> dict[str, int]:
    """Escalates every overdue referral and task ONCE to the supervisors of the responsible agency.

    A referral unanswered past its answer deadline, an accepted referral past its services deadline, and an
    open task past its due date each get their escalation mark set by a conditional UPDATE, so a second run, or
    two workers running at once, escalate nothing twice.
    """
    now = now or timezone.now()
    counts = {"referrals_unanswered": 0, "referrals_overdue": 0, "tasks": 0}
    targets = [
        (
            "referrals_unanswered",
            "escalated_unanswered_at",
            Referral.objects.filter(
                state=ReferralState.PENDING, accept_by__lt=now, escalated_unanswered_at__isnull=True
            ),
        ),
        (
            "referrals_overdue",
            "escalated_overdue_at",
            Referral.objects.filter(
                state=ReferralState.ACCEPTED, due_at__lt=now, escalated_overdue_at__isnull=True
            ),
        ),
    ]
    for key, mark, queryset in targets:
        for referral_id in list(queryset.values_list("pk", flat=True)[:5000]):
            with transaction.atomic(durable=True):
                claimed = Referral.objects.filter(pk=referral_id, **{f"{mark}__isnull": True}).update(
                    **{mark: now}
                )
                if not claimed:
                    continue
                referral = Referral.objects.select_related("case", "to_agency").get(pk=referral_id)
                case = referral.case
                what_code = "unanswered" if key == "referrals_unanswered" else "services_overdue"
                _event(
                    case,
                    CaseEventKind.REFERRAL_ESCALATED,
                    referral=referral,
                    agency=referral.to_agency,
                    need=referral.need,
                    reason=what_code,
                )
                audit_record(
                    actor=None,
                    action=AuditAction.UPDATE,
                    obj=referral,
                    summary=f"referral escalated {what_code}",
                    changes={"escalated": what_code},
                    agency=referral.to_agency,
                )

                def params(referral=referral, what_code=what_code):
                    what = (
                        _("referral not answered in time (%(need)s)")
                        if what_code == "unanswered"
                        else _("referral services overdue (%(need)s)")
                    )
                    return {"what": what % {"need": referral.get_need_display()}}

                notify(
                    agency_supervisors(referral.to_agency_id),
                    kind=NotificationKind.ESCALATION,
                    case=case,
                    params_fn=params,
                )
                counts[key] += 1
    task_ids = list(
        Task.objects.filter(done_at__isnull=True, due_at__lt=now, escalated_at__isnull=True).values_list(
            "pk", flat=True
        )[:5000]
    )
    for task_id in task_ids:
        with transaction.atomic(durable=True):
            if not Task.objects.filter(pk=task_id, escalated_at__isnull=True).update(escalated_at=now):
                continue
            task = Task.objects.select_related("case").get(pk=task_id)
            _event(task.case, CaseEventKind.TASK_ESCALATED, agency=task.owner_agency, task_id=task.pk)
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=task,
                summary="task escalated",
                changes={"escalated": True},
                agency=task.owner_agency,
            )
            notify(
                agency_supervisors(task.owner_agency_id),
                kind=NotificationKind.ESCALATION,
                case=task.case,
                params_fn=lambda: {"what": _("task past its due date")},
            )
            counts["tasks"] += 1
    return counts


def notification_mark_read(*, actor, notification_ids: list[int]) -> int:
    """Marks the actor's own notifications read."""
    from sinergi.cases.models import Notification

    return Notification.objects.filter(recipient=actor, pk__in=notification_ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
