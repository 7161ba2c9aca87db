"""Need-to-know as one table: who may do what to which record holding case or person data, and which field
groups they then see. Plain code, no ORM: it reads a `Reader` (the facts about one user and one case) and
answers a `Decision`, so it can be read and tested alone.

The facts come from `sinergi.cases.access`, which translates this table into querysets
(`Model.objects.restrict(user, action)` on every model below, `access_<kind>_by_id`) and builds the `Reader`.
Pages, API, exports, tasks and e-mails ask through those; none decides by itself. What a reader sees of a
record is cut by one function, `redact()`, for pages and API alike.

The reader's relation to a case:
- LEAD: their agency leads the case.
- PARTICIPANT: their agency holds an ACCEPTED referral on it.
- PENDING: their agency was sent a referral or asked to take the lead and has not answered.
- FORMER: their agency's referral was declined, revoked or done, or it led the case and handed the lead on.
  A former participant is an outsider for every purpose: what they saw then was their business then.
- NONE: no relation.

Field groups: IDENTITY (names, NIK, passport, birth date, the person record), CONTACTS (phones, addresses,
handles), NARRATIVE (the story, the route, modus, destination city, the village, the case worker),
MEDICAL (care notes, documents and events), INVESTIGATION (the legal track, investigation notes, documents,
events, perpetrator organisations).

Role gates: only case-handling roles (`CASE_ROLES`) see cases at all. Analysts and outreach officers see counts
and posts, never a victim's record; the platform administrator manages agencies and accounts and sees no
person or case content (`Reader.platform_admin`).

Data-sharing agreements (issue 9): a grant of field groups to an agency is data, not code. The hook is
`agreement_grants(agency_id, case_id)` — "which field groups do the agreements in force grant agency X on case
Y" — which asks the sources registered with `register_agreement_source(source)` (the app that keeps the
agreements registers one in its AppConfig.ready(); this module stays free of the ORM) and answers nothing while
none is. `access.reader_for` puts what it answers in `Reader.grants`; `decide()` adds the groups to what the
relation gives, for the kinds the agreement names (`Grant.kinds`), but never for a reader without a relation
(an agreement widens what a participant sees, it does not open a case to an outsider) and never a child's
identity (that stays with the child-protection rule in `identity_visible`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sinergi.agencies.choices import AgencyType, Role


class Relation(enum.StrEnum):
    LEAD = "lead"
    PARTICIPANT = "participant"
    PENDING = "pending"
    FORMER = "former"
    NONE = "none"
    # Records that hang on no case (posts, contacts, departure screenings, audit entries, `RECORD_RULES`):
    OWN_AGENCY = "own_agency"  # the reader's agency made the record (screened the traveller, did the action)
    FOLLOW_UP = (
        "follow_up"  # the record falls in the reader's agency's province and that agency follows it up
    )


class Kind(enum.StrEnum):
    CASE = "case"
    PARTY = "party"
    PERSON = "person"
    REFERRAL = "referral"
    TASK = "task"
    DOCUMENT = "document"
    NOTE = "note"
    TRANSFER = "transfer"
    APPROVAL = "approval"
    NOTIFICATION = "notification"
    # The audit trail's reads of a case by other agencies' users: who opened it, how often, when.
    CASE_READ = "case_read"
    POST = "post"
    CONTACT = "contact"
    DEPARTURE_SCREENING = "departure_screening"
    AUDIT_ENTRY = "audit_entry"


class Action(enum.StrEnum):
    LIST = "list"
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DOWNLOAD = "download"
    EXPORT = "export"


class FieldGroup(enum.StrEnum):
    IDENTITY = "identity"
    CONTACTS = "contacts"
    NARRATIVE = "narrative"
    MEDICAL = "medical"
    INVESTIGATION = "investigation"


VIEW_ROLES: frozenset[str] = frozenset(
    {Role.CASE_WORKER, Role.INVESTIGATOR, Role.SUPERVISOR, Role.CHILD_PROTECTION, Role.READ_ONLY}
)
WRITE_ROLES: frozenset[str] = frozenset(
    {Role.CASE_WORKER, Role.INVESTIGATOR, Role.SUPERVISOR, Role.CHILD_PROTECTION}
)
MANAGE_ROLES: frozenset[str] = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.INVESTIGATOR})
CASE_ROLES = VIEW_ROLES
# Roles that read posts and counts but never a victim's record, whatever their agency holds.
NO_VICTIM_ROLES: frozenset[str] = frozenset({Role.ANALYST, Role.OUTREACH_OFFICER})
INVESTIGATION_AGENCY_TYPES: frozenset[str] = frozenset({AgencyType.POLRI, AgencyType.KEJAKSAAN})
CARE_AGENCY_TYPES: frozenset[str] = frozenset({AgencyType.DINSOS, AgencyType.UPTD_PPA, AgencyType.DINKES})

ALL_GROUPS: frozenset[FieldGroup] = frozenset(FieldGroup)
NO_GROUPS: frozenset[FieldGroup] = frozenset()


@dataclass(frozen=True)
class Grant:
    """Field groups a data-sharing agreement gives an agency on the kinds it names."""

    groups: frozenset[FieldGroup]
    kinds: frozenset[Kind] = frozenset({Kind.CASE, Kind.PARTY})
    agreement_id: int | None = None  # which agreement, so that a disclosure under it can be logged


@dataclass(frozen=True)
class Reader:
    """One user facing one case: everything `decide()` needs, and nothing from the database."""

    relation: Relation
    roles: frozenset[str] = frozenset()
    agency_type: str | None = None
    platform_admin: bool = False
    grants: tuple[Grant, ...] = field(default=())

    def has_role(self, roles: Iterable[str]) -> bool:
        return bool(self.roles & frozenset(roles))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    groups: frozenset[FieldGroup] = NO_GROUPS

    def __bool__(self) -> bool:
        return self.allowed


DENY = Decision(False)

# Which relations may take each action on records of each kind reached through a case. Roles narrow it further
# (`_ACTION_ROLES`), the record's own sensitivity further still (`sensitivity_visible`).
_OPEN = frozenset({Relation.LEAD, Relation.PARTICIPANT, Relation.PENDING})
_DETAIL = frozenset({Relation.LEAD, Relation.PARTICIPANT})
_LEAD = frozenset({Relation.LEAD})
RULES: Mapping[Kind, Mapping[Action, frozenset[Relation]]] = {
    Kind.CASE: {
        Action.LIST: _OPEN,
        Action.VIEW: _OPEN,
        Action.CHANGE: _DETAIL,
        Action.EXPORT: _LEAD,
    },
    Kind.PARTY: {Action.LIST: _DETAIL, Action.VIEW: _DETAIL, Action.CHANGE: _DETAIL},
    Kind.PERSON: {Action.VIEW: _DETAIL, Action.LIST: _DETAIL},
    # A pending addressee sees its own referral (it must decide on it); who else was asked is a detail.
    Kind.REFERRAL: {Action.LIST: _OPEN, Action.VIEW: _OPEN, Action.CHANGE: _OPEN},
    Kind.TASK: {Action.LIST: _DETAIL, Action.VIEW: _DETAIL, Action.CHANGE: _DETAIL},
    Kind.DOCUMENT: {
        Action.LIST: _DETAIL,
        Action.VIEW: _DETAIL,
        Action.DOWNLOAD: _DETAIL,
        Action.CHANGE: _DETAIL,
    },
    Kind.NOTE: {Action.LIST: _DETAIL, Action.VIEW: _DETAIL, Action.CHANGE: _DETAIL},
    Kind.TRANSFER: {Action.LIST: _OPEN, Action.VIEW: _OPEN, Action.CHANGE: _OPEN},
    Kind.APPROVAL: {Action.LIST: _LEAD, Action.VIEW: _LEAD, Action.CHANGE: _LEAD},
    # A notification names a case; it is shown only while the case is open to the reader.
    Kind.NOTIFICATION: {Action.LIST: _OPEN, Action.VIEW: _OPEN},
    # The lead answers for the case and so sees who in other agencies read it; nobody else sees who read it.
    Kind.CASE_READ: {Action.LIST: _LEAD},
}

_ACTION_ROLES: Mapping[Action, frozenset[str]] = {
    Action.LIST: VIEW_ROLES,
    Action.VIEW: VIEW_ROLES,
    Action.DOWNLOAD: VIEW_ROLES,
    Action.CHANGE: WRITE_ROLES,
    Action.EXPORT: MANAGE_ROLES,
}


def relation_groups(reader: Reader) -> frozenset[FieldGroup]:
    """The field groups a relation gives. IDENTITY and CONTACTS go to the lead as a whole; to anyone else they
    are decided person by person (`identity_visible`)."""
    if reader.platform_admin or not reader.has_role(CASE_ROLES):
        return NO_GROUPS
    if reader.relation == Relation.LEAD:
        return ALL_GROUPS
    if reader.relation != Relation.PARTICIPANT:
        return NO_GROUPS
    groups = {FieldGroup.NARRATIVE}
    if reader.agency_type in INVESTIGATION_AGENCY_TYPES:
        groups.add(FieldGroup.INVESTIGATION)
    if reader.agency_type in CARE_AGENCY_TYPES:
        groups.add(FieldGroup.MEDICAL)
    return frozenset(groups)


def decide(kind: Kind, action: Action, reader: Reader) -> Decision:
    """May this reader take `action` on a record of `kind` on this case, and which field groups does it see?"""
    if kind in RECORD_RULES:
        return decide_record(kind, action, reader)
    if reader.platform_admin:
        return DENY
    relations = RULES.get(kind, {}).get(action)
    if relations is None or reader.relation not in relations:
        return DENY
    if not reader.has_role(_ACTION_ROLES[action]):
        return DENY
    if (
        kind in (Kind.PARTY, Kind.PERSON)
        and reader.has_role(NO_VICTIM_ROLES)
        and not reader.has_role(WRITE_ROLES)
    ):
        return DENY
    groups = set(relation_groups(reader))
    if reader.relation in _DETAIL:
        for grant in reader.grants:
            if kind in grant.kinds:
                groups |= grant.groups
    return Decision(True, frozenset(groups))


# --- records that hang on no case ----------------------------------------------------------------------------
# Posts and the contacts found in them are public content (social media, job boards) shared across agencies:
# one queue that every analyst, supervisor and investigator reads and reviews (each review records who decided
# for which agency); read-only staff read it. A departure screening is about an identifiable traveller: the
# officer's own agency reads it, and so do the BP3MI and police units of the checkpoint's province, which follow
# up a hold. An agency's audit trail is read by its supervisors and administrators. The platform administrator
# reads the post queue and the whole audit trail (it runs the platform) and changes neither; a departure
# screening names a traveller, and the platform administrator sees no person's record. These apps sit below cases and may not import this
# module; they ask through `sinergi.core.registry.policy_allows`, which cases answers with `decide` (see
# `sinergi/cases/plugins.py`): the rules are here, the querysets that apply them stay with the models.
POST_REVIEW_ROLES: frozenset[str] = frozenset({Role.ANALYST, Role.SUPERVISOR, Role.INVESTIGATOR})
POST_VIEW_ROLES: frozenset[str] = POST_REVIEW_ROLES | {Role.READ_ONLY}
DEPARTURE_AGENCY_TYPES: frozenset[str] = frozenset(
    {AgencyType.IMIGRASI, AgencyType.BP3MI, AgencyType.POLRI, AgencyType.DISNAKER, AgencyType.GUGUS_TUGAS}
)
DEPARTURE_OFFICER_ROLES: frozenset[str] = frozenset(
    {
        Role.CASE_WORKER,
        Role.INVESTIGATOR,
        Role.SUPERVISOR,
        Role.ANALYST,
        Role.OUTREACH_OFFICER,
        Role.CHILD_PROTECTION,
    }
)
# Agencies that follow up a departure hold in their province, whoever screened the traveller.
FOLLOW_UP_AGENCY_TYPES: frozenset[str] = frozenset({AgencyType.BP3MI, AgencyType.POLRI})
AUDIT_READER_ROLES: frozenset[str] = frozenset({Role.SUPERVISOR, Role.AGENCY_ADMIN})
ANY_ROLE: frozenset[str] = frozenset(Role)
_EVERY_RELATION = frozenset(Relation)
_OWN_OR_FOLLOW_UP = frozenset({Relation.OWN_AGENCY, Relation.FOLLOW_UP})


@dataclass(frozen=True)
class RecordRule:
    """Who may take one action on records of a kind that hangs on no case: a relation, a role, an agency type."""

    relations: frozenset[Relation]
    roles: frozenset[str]
    agency_types: frozenset[str] | None = None  # None: any agency


_SHARED_QUEUE: Mapping[Action, RecordRule] = {
    Action.LIST: RecordRule(_EVERY_RELATION, POST_VIEW_ROLES),
    Action.VIEW: RecordRule(_EVERY_RELATION, POST_VIEW_ROLES),
    Action.ADD: RecordRule(_EVERY_RELATION, POST_REVIEW_ROLES),  # an upload, a batch stored through the API
    Action.CHANGE: RecordRule(_EVERY_RELATION, POST_REVIEW_ROLES),  # a review
}
RECORD_RULES: Mapping[Kind, Mapping[Action, RecordRule]] = {
    Kind.POST: _SHARED_QUEUE,
    Kind.CONTACT: _SHARED_QUEUE,
    Kind.DEPARTURE_SCREENING: {
        Action.LIST: RecordRule(_OWN_OR_FOLLOW_UP, ANY_ROLE),
        Action.VIEW: RecordRule(_OWN_OR_FOLLOW_UP, ANY_ROLE),
        Action.ADD: RecordRule(_EVERY_RELATION, DEPARTURE_OFFICER_ROLES, DEPARTURE_AGENCY_TYPES),
        Action.CHANGE: RecordRule(_OWN_OR_FOLLOW_UP, DEPARTURE_OFFICER_ROLES),  # link the case opened from it
    },
    Kind.AUDIT_ENTRY: {
        Action.LIST: RecordRule(frozenset({Relation.OWN_AGENCY}), AUDIT_READER_ROLES),
        Action.VIEW: RecordRule(frozenset({Relation.OWN_AGENCY}), AUDIT_READER_ROLES),
    },
}
_PLATFORM_READS = frozenset({Action.LIST, Action.VIEW})
_PLATFORM_READ_KINDS = frozenset({Kind.POST, Kind.CONTACT, Kind.AUDIT_ENTRY})


def decide_record(kind: Kind, action: Action, reader: Reader) -> Decision:
    """`decide` for the kinds of `RECORD_RULES`. A reader with no agency (`agency_type` None) holds no relation
    but the platform administrator's, who reads posts, contacts and audit entries and changes none. A FOLLOW_UP relation counts
    only for the agency types that follow records up (`FOLLOW_UP_AGENCY_TYPES`)."""
    if reader.platform_admin:
        allowed = kind in _PLATFORM_READ_KINDS and action in _PLATFORM_READS
        return Decision(True, ALL_GROUPS) if allowed else DENY
    rule = RECORD_RULES.get(kind, {}).get(action)
    if rule is None or reader.agency_type is None or reader.relation not in rule.relations:
        return DENY
    if reader.relation == Relation.FOLLOW_UP and reader.agency_type not in FOLLOW_UP_AGENCY_TYPES:
        return DENY
    if rule.agency_types is not None and reader.agency_type not in rule.agency_types:
        return DENY
    if not reader.has_role(rule.roles):
        return DENY
    return Decision(True, ALL_GROUPS)


@dataclass(frozen=True)
class PartyFacts:
    """What the identity rule needs to know of one person in a case."""

    is_victim: bool
    is_child: bool
    consent_given: bool
    override_for_reader: bool


def identity_visible(reader: Reader, party: PartyFacts) -> bool:
    """Whether this reader sees who this person is (name, NIK, contacts) rather than a role label."""
    if reader.platform_admin or reader.relation not in _DETAIL or not reader.has_role(CASE_ROLES):
        return False
    if party.is_child and not (
        Role.CHILD_PROTECTION in reader.roles
        or (reader.relation == Relation.LEAD and reader.has_role(MANAGE_ROLES))
    ):
        return False
    if reader.relation == Relation.LEAD:
        return True
    if party.is_victim:
        return party.consent_given or party.override_for_reader or _granted(reader, FieldGroup.IDENTITY)
    return reader.agency_type in INVESTIGATION_AGENCY_TYPES or _granted(reader, FieldGroup.IDENTITY)


def _granted(reader: Reader, group: FieldGroup) -> bool:
    return any(group in grant.groups and Kind.PARTY in grant.kinds for grant in reader.grants)


# Notes, documents and timeline entries carry a sensitivity; each maps onto the field group that reads it.
SENSITIVITY_GROUP: Mapping[str, FieldGroup | None] = {
    "GENERAL": None,
    "INVESTIGATION": FieldGroup.INVESTIGATION,
    "CARE": FieldGroup.MEDICAL,
}


def sensitivity_visible(groups: frozenset[FieldGroup]) -> frozenset[str]:
    """The sensitivities a reader with these field groups may read (GENERAL once any detail is open)."""
    if FieldGroup.NARRATIVE not in groups:
        return frozenset()
    return frozenset(s for s, group in SENSITIVITY_GROUP.items() if group is None or group in groups)


# The fields of each kind that belong to a group; a field not named is shown to whoever may see the record.
FIELD_GROUPS: Mapping[Kind, Mapping[str, FieldGroup]] = {
    Kind.CASE: {
        "narrative": FieldGroup.NARRATIVE,
        "destination_city": FieldGroup.NARRATIVE,
        "origin_region": FieldGroup.NARRATIVE,
        "modus": FieldGroup.NARRATIVE,
        "assigned_to": FieldGroup.NARRATIVE,
        "legal_stage": FieldGroup.INVESTIGATION,
    },
    Kind.PARTY: {
        "person_id": FieldGroup.IDENTITY,
        "full_name": FieldGroup.IDENTITY,
        "sex": FieldGroup.IDENTITY,
        "birth_date": FieldGroup.IDENTITY,
        "consent_to_share": FieldGroup.IDENTITY,
    },
}


def redact(kind: Kind, values: Mapping[str, Any], groups: frozenset[FieldGroup]) -> dict[str, Any]:
    """`values` with every field of a group the reader does not see set to None: absent, never guessed at.

    The one redaction of pages and API: serializers and templates both read what this returns.
    """
    hidden = {name for name, group in FIELD_GROUPS.get(kind, {}).items() if group not in groups}
    return {name: (None if name in hidden else value) for name, value in values.items()}


# Anonymised, k-anonymous exports (HTCDS/CTDC dataset, statistical tables) carry counts and generalised
# attributes, never a record: supervisors and analysts of the lead agency, of the cases it leads.
ANONYMISED_EXPORT_ROLES: frozenset[str] = frozenset({Role.SUPERVISOR, Role.ANALYST})


def may_export_anonymised(reader: Reader) -> bool:
    return not reader.platform_admin and reader.has_role(ANONYMISED_EXPORT_ROLES)


# (agency id, case id) -> the grants of the agreements in force for that agency on that case (case id None: the
# grants that hold on every case the agency takes part in).
AgreementSource = Callable[[int | None, int | None], Iterable[Grant]]
_AGREEMENT_SOURCES: list[AgreementSource] = []


def register_agreement_source(source: AgreementSource) -> None:
    """Where the data-sharing agreements are read from (exchange's agreements, registered in its ready())."""
    if source not in _AGREEMENT_SOURCES:
        _AGREEMENT_SOURCES.append(source)


def agreement_grants(agency_id: int | None, case_id: int | None) -> tuple[Grant, ...]:
    """The field groups the data-sharing agreements in force grant agency `agency_id` on case `case_id`: what
    every registered source answers; nothing while no source is registered (no agreement exists yet)."""
    if agency_id is None:
        return ()
    return tuple(grant for source in _AGREEMENT_SOURCES for grant in source(agency_id, case_id))


class DuplicateAnswer(enum.StrEnum):
    """What the duplicate check may say about a matching record (docs/decisions/0005)."""

    SHOWN = "shown"  # the reader sees the person's identity on that case: the case is named
    ELSEWHERE = "elsewhere"  # a match the reader may not see: "another agency holds a matching record"
    NOTHING = "nothing"


def duplicate_answer(reader: Reader, party: PartyFacts) -> DuplicateAnswer:
    """A matching party in a case: named when the reader sees its identity there; otherwise only the hint that
    another agency holds a record, and only to a reader who may open cases (the hint is for intake)."""
    if identity_visible(reader, party):
        return DuplicateAnswer.SHOWN
    if reader.platform_admin or not reader.has_role(MANAGE_ROLES):
        return DuplicateAnswer.NOTHING
    return DuplicateAnswer.ELSEWHERE
