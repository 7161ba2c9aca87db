"""The case record and what hangs on it: field updates, assignment, parties, consent, organisations, the
route, notes, tasks and documents."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import Agency, User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases import access
from sinergi.cases.access import MANAGE_ROLES, WRITE_ROLES, Relation
from sinergi.cases.choices import (
    AgeGroup,
    CaseEventKind,
    Consent,
    NotificationKind,
    PartyRole,
    Sensitivity,
    VictimStatus,
)
from sinergi.cases.locks import case_lock, task_lock
from sinergi.cases.models import (
    Case,
    CaseOrganisation,
    CaseParty,
    Document,
    Note,
    Referral,
    RouteEvent,
    ShareOverride,
    Task,
)
from sinergi.cases.notifications import notify
from sinergi.cases.services._shared import (
    _check_version,
    _clean,
    _denied,
    _event,
    _mark_row,
    _reindex_case,
    _reindex_note,
    _require_open,
    _require_relation,
    _touch,
)
from sinergi.core.errors import ApplicationError
from sinergi.core.uploads import upload_inspect
from sinergi.people.models import Person

if TYPE_CHECKING:
    from sinergi.people.services import PersonData

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


def _record_new_person(
    actor: User, data: PersonData, *, confirm_nik_mismatch: bool = False, party_index: int = 0
) -> Person:
    """A new person recorded inside the calling case service's transaction; a ValidationError names the party
    (`party_index`) so that the intake page can put the messages on the right row."""
    from sinergi.people.services import person_create_in_transaction

    try:
        return person_create_in_transaction(actor=actor, data=data, confirm_nik_mismatch=confirm_nik_mismatch)
    except ValidationError as exc:
        _mark_row(exc, "party_index", party_index)
        raise


def case_update(*, actor: User, case: Case, expected_version: int | None, **fields: Any) -> Case:
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


def case_assign(*, actor: User, case: Case, assignee: User, expected_version: int | None = None) -> Case:
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


def _party_add(
    *, actor: User, case: Case, person: Person, role: str, age_group: str = AgeGroup.UNKNOWN, **extra: Any
) -> CaseParty:
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
    actor: User,
    case: Case,
    role: str,
    person: Person | None = None,
    new_person: PersonData | None = None,
    confirm_nik_mismatch: bool = False,
    age_group: str = AgeGroup.UNKNOWN,
    **extra: Any,
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
        assert person is not None  # exactly one of person and new_person, checked above
        party = _party_add(actor=actor, case=locked, person=person, role=role, age_group=age_group, **extra)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=party,
            summary=f"party {role} linked",
            changes={"case": locked.pk, "person": person.pk},
        )
    return party


def victim_status_set(*, actor: User, party: CaseParty, status: str) -> CaseParty:
    """Records the victim's trafficking status and that the actor's agency decided it (lead or participant)."""
    with transaction.atomic(durable=True):
        locked = case_lock(party.case_id)
        _require_relation(actor, locked, allowed=(Relation.LEAD, Relation.PARTICIPANT))
        party = CaseParty.objects.select_for_update().get(pk=party.pk)
        if party.role != PartyRole.VICTIM or status not in VictimStatus.values:
            raise ApplicationError(_("Only a victim has a victim status."), code="validation_error")
        victim_status_write(actor, locked, party, status, summary="victim status decided")
    return party


def victim_status_write(actor: User, case: Case, party: CaseParty, status: str, *, summary: str) -> None:
    """Writes a victim's status as decided by the actor's agency, with its timeline event and audit entry
    (inside the caller's transaction, the case locked)."""
    party.victim_status = status
    party.victim_status_by = actor.agency
    party.victim_status_at = timezone.now()
    party.save(update_fields=["victim_status", "victim_status_by", "victim_status_at"])
    _event(case, CaseEventKind.VICTIM_STATUS, actor=actor, party_id=party.pk, status=status)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=party,
        summary=summary,
        changes={"victim_status": status},
    )


def consent_record(*, actor: User, party: CaseParty, consent: str) -> CaseParty:
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


def share_override(*, actor: User, party: CaseParty, agency: Agency, reason: str) -> ShareOverride:
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


def case_organisation_add(*, actor: User, case: Case, name: str, kind: str, **extra: Any) -> CaseOrganisation:
    """Records an organisation among the perpetrators: a placement company, a sponsor, an employer."""
    with transaction.atomic(durable=True):
        locked = case_lock(case.pk)
        _require_relation(actor, locked, allowed=(Relation.LEAD,), roles=MANAGE_ROLES)
        return _organisation_add(actor=actor, case=locked, name=name, kind=kind, **extra)


def _organisation_add(*, actor: User, case: Case, name: str, kind: str, **extra: Any) -> CaseOrganisation:
    org = CaseOrganisation(case=case, name=name, kind=kind, added_by=actor, **extra)
    _clean(org)
    org.save()
    _event(
        case,
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
        changes={"case": case.pk},
    )
    return org


def route_event_add(*, actor: User, case: Case, kind: str, **fields: Any) -> RouteEvent:
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


def _note_create(*, actor: User, case: Case, text: str, sensitivity: str) -> Note:
    note = Note(case=case, author=actor, agency=actor.agency, text=text.strip(), sensitivity=sensitivity)
    _clean(note, exclude=["search_vector"])
    note.save()
    _reindex_note(note)
    _event(case, CaseEventKind.NOTE_ADDED, actor=actor, sensitivity=sensitivity, note_id=note.pk)
    return note


def note_add(*, actor: User, case: Case, text: str, sensitivity: str = Sensitivity.GENERAL) -> Note:
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


def task_create(
    *, actor: User, case: Case, title: str, owner: User, due_at: datetime, referral: Referral | None = None
) -> Task:
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


def task_complete(*, actor: User, task: Task) -> Task:
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


def document_upload(
    *,
    actor: User,
    case: Case,
    uploaded_file: File[bytes],
    title: str = "",
    sensitivity: str = Sensitivity.GENERAL,
) -> Document:
    """Stores a document under MEDIA_ROOT (outside the web root, sealed by the storage) with its SHA-256, after
    `core.uploads` checked it; it is served only by a permission-checked view."""
    # Size, real type, active content, zip bombs; a photo comes back without its metadata.
    clean = upload_inspect(uploaded_file)
    data, content_type, original_name = clean.data, clean.content_type, clean.original_name
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
