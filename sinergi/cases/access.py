"""Need-to-know, translated to the database: the rules are in sinergi/cases/policy.py (plain code, no ORM);
this module turns them into querysets and single-object lookups, and builds the `CaseView` pages and API read.

Scope (which cases at all) — `case_scope_q(user, action)`, used by `Case.objects.restrict(user, action)`:
- "view": the user's agency leads the case, or holds a PENDING or ACCEPTED referral on it, or has been asked to
  take over the lead (pending transfer). A declined, revoked or done referral ends the access.
- "change" (notes, tasks, documents, services, legal-track steps): the lead agency, or an agency holding an
  ACCEPTED referral; the user needs a working role (not read-only).
- "manage" (transitions of the care track, referrals, transfers, approvals, consent, closure): the lead agency
  only, case workers and supervisors.
Users without an agency, or without a case-handling role (analysts, outreach officers, agency administrators),
see no case; the platform operator is not an agency and sees none either.

Every model that hangs on a case has its own `restrict(user, action)` (`scope_q(kind, user, action)` below):
referrals, tasks, documents, notes, timeline events, transfers, approvals, parties, notifications, so a list
or a lookup by id never needs a `CaseView` to be scoped, and `access_<kind>_by_id` answers 404 for what is out
of scope exactly as for what does not exist.

Parts (what within a case) — `CaseView`, whose flags come from `policy.decide` / `policy.identity_visible`:
- An agency with only a PENDING referral or transfer sees enough to decide: reference, channel, dates, stage,
  lead agency, origin regency, destination country, exploitation types and sector, how many victims and whether
  any is a child, and the referral itself. No narrative, no names, no notes, documents or timeline.
- Investigation notes, documents and events go to the police and prosecutors (POLRI, KEJAKSAAN) and the lead
  agency; medical and psychosocial ones to the carers (DINSOS, UPTD PPA, DINKES) and the lead agency.
- A child's identity only to users with the child-protection role and to the lead agency's case workers and
  supervisors. An adult victim's identity goes beyond the lead agency only with the victim's consent to share,
  or an explicit, audited override for that agency. Suspects', recruiters', witnesses' and reporters' identities
  go to the lead agency and the investigators.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Self, TypeVar

from django.db.models import F, Q, QuerySet
from django.http import Http404

from sinergi.agencies.choices import Role
from sinergi.cases import policy
from sinergi.cases.choices import Consent, PartyRole, ReferralState, TransferState
from sinergi.cases.policy import (
    CARE_AGENCY_TYPES,
    INVESTIGATION_AGENCY_TYPES,
    MANAGE_ROLES,
    VIEW_ROLES,
    WRITE_ROLES,
    FieldGroup,
    Kind,
    Relation,
)
from sinergi.core.lookups import AnyOf

__all__ = [
    "CARE_AGENCY_TYPES",
    "INVESTIGATION_AGENCY_TYPES",
    "MANAGE_ROLES",
    "VIEW_ROLES",
    "WRITE_ROLES",
    "Relation",
]

OPEN_REFERRAL_STATES = (ReferralState.PENDING, ReferralState.ACCEPTED)
ACTIONS = ("view", "change", "manage")


def _agency_id(user: Any) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return None
    return getattr(user, "agency_id", None)


def _roles_for(action: str) -> frozenset[str]:
    return {"view": VIEW_ROLES, "change": WRITE_ROLES, "manage": MANAGE_ROLES}[action]


def case_scope_q(user: Any, action: str = "view") -> Q | None:
    """The Q selecting the cases `user` may `action`, or None for none at all.

    Kept on the user object for the rest of the request (a case page restricts a dozen record lists, each
    through this scope): it depends only on the agency, the activity and the roles, which the user object
    already holds for as long as it lives. The subqueries inside stay lazy, so each use reads the rows anew.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    agency_id = _agency_id(user)
    if agency_id is None or not user.has_role(*_roles_for(action)):
        return None
    built = getattr(user, "_sinergi_case_scope", None)
    if built is None or built[0] != agency_id:
        built = (agency_id, {})
        user._sinergi_case_scope = built
    if action not in built[1]:
        built[1][action] = _case_scope_q(agency_id, action)
    return built[1][action]


def _case_scope_q(agency_id: int, action: str) -> Q:
    lead = Q(lead_agency_id=agency_id)
    if action == "manage":
        return lead
    if action == "change":
        return lead | Q(id__in=_accepted_case_ids(agency_id))
    return lead | Q(id__in=_referred_case_ids(agency_id)) | Q(id__in=_asked_to_lead_case_ids(agency_id))


def _referred_case_ids(agency_id: int) -> Any:
    """The cases on which the agency holds an open (pending or accepted) referral, as a subquery."""
    from sinergi.cases.models import Referral

    return Referral.objects.filter(to_agency_id=agency_id, state__in=OPEN_REFERRAL_STATES).values("case_id")


def _asked_to_lead_case_ids(agency_id: int) -> Any:
    """The cases the agency is asked to take the lead of (a pending lead transfer), as a subquery."""
    from sinergi.cases.models import LeadTransfer

    return LeadTransfer.objects.filter(to_agency_id=agency_id, state=TransferState.PENDING).values("case_id")


def relation_q(user: Any, relation: Relation) -> Q:
    """The cases to which `user`'s agency stands in `relation` now (the Q twin of `relation_of`)."""
    from sinergi.cases.models import Referral

    agency_id = _agency_id(user)
    if agency_id is None or relation not in (Relation.LEAD, Relation.PARTICIPANT, Relation.PENDING):
        return Q(pk__in=[])
    lead = Q(lead_agency_id=agency_id)
    if relation == Relation.LEAD:
        return lead
    accepted = Q(id__in=_accepted_case_ids(agency_id))
    if relation == Relation.PARTICIPANT:
        return accepted & ~lead
    referred = Referral.objects.filter(to_agency_id=agency_id, state=ReferralState.PENDING).values("case_id")
    return (Q(id__in=referred) | Q(id__in=_asked_to_lead_case_ids(agency_id))) & ~lead & ~accepted


def case_group_q(user: Any, group: FieldGroup) -> Q:
    """The cases of which `user` sees the field group `group`: for each relation, what `policy.decide` gives
    this user's roles and agency (aggregates such as analytics count a detail only where a reader could open
    it). The reader's case scope still applies: combine with `Case.objects.restrict(user, "view")`."""
    found = Q(pk__in=[])
    for relation in (Relation.LEAD, Relation.PARTICIPANT, Relation.PENDING):
        decision = policy.decide(Kind.CASE, policy.Action.VIEW, reader_for(user, relation))
        if decision and group in decision.groups:
            found |= relation_q(user, relation)
    return found


def anonymised_export_q(user: Any) -> Q | None:
    """The cases whose anonymised records `user` may export (`policy.may_export_anonymised`): those its
    agency leads; None for none."""
    agency_id = _agency_id(user)
    if agency_id is None or not policy.may_export_anonymised(reader_for(user, Relation.LEAD)):
        return None
    return Q(lead_agency_id=agency_id)


def relation_of(user: Any, case: Any) -> Relation | None:
    """How the user's agency stands to the case now, or None if it has no business with it."""
    from sinergi.cases.models import LeadTransfer, Referral

    agency_id = _agency_id(user)
    if agency_id is None or not user.has_role(*VIEW_ROLES):
        return None
    if case.lead_agency_id == agency_id:
        return Relation.LEAD
    states = set(
        Referral.objects.filter(
            case_id=case.pk, to_agency_id=agency_id, state__in=OPEN_REFERRAL_STATES
        ).values_list("state", flat=True)
    )
    if ReferralState.ACCEPTED in states:
        return Relation.PARTICIPANT
    if (
        states
        or LeadTransfer.objects.filter(
            case_id=case.pk, to_agency_id=agency_id, state=TransferState.PENDING
        ).exists()
    ):
        return Relation.PENDING
    return None


def reader_for(user: Any, relation: Relation | None, case_id: int | None = None) -> policy.Reader:
    """The policy's view of this user facing one case."""
    agency = getattr(user, "agency", None) if getattr(user, "agency_id", None) else None
    roles = frozenset(user.role_codes) if getattr(user, "is_authenticated", False) else frozenset()
    return policy.Reader(
        relation=relation or Relation.NONE,
        roles=roles,
        agency_type=agency.type if agency is not None else None,
        platform_admin=bool(getattr(user, "is_superuser", False)),
        grants=policy.agreement_grants(getattr(agency, "pk", None), case_id),
    )


def record_allowed(kind: str, action: str, user: Any, relation: str = "none") -> bool:
    """The policy's answer for a record of the apps below cases (posts, contacts, departure screenings, audit
    entries), which ask through `sinergi.core.registry.policy_allows`: an inactive or anonymous user, nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return False
    return bool(policy.decide(Kind(kind), policy.Action(action), reader_for(user, Relation(relation))))


# The data-sharing agreements in force for a receiving agency, by granting agency (the lead of the cases they
# cover): what the querysets below need to widen a participant's notes, documents and people the way
# `policy.agreement_grants` widens one case. Registered by the app that keeps the agreements (exchange).
GrantsByLead = Callable[[int], Mapping[int, tuple[policy.Grant, ...]]]
_grants_by_lead_sources: list[GrantsByLead] = []


def register_grants_by_lead(source: GrantsByLead) -> None:
    if source not in _grants_by_lead_sources:
        _grants_by_lead_sources.append(source)


def grants_by_lead(agency_id: int | None) -> dict[int, tuple[policy.Grant, ...]]:
    found: dict[int, tuple[policy.Grant, ...]] = {}
    if agency_id is None:
        return found
    for source in _grants_by_lead_sources:
        for lead, grants in source(agency_id).items():
            found[lead] = (*found.get(lead, ()), *grants)
    return found


# Told once per CaseView when a data-sharing agreement shows its reader more than the relation does: the
# exchange app, which holds the agreements, logs the disclosure in the audit trail.
DisclosureHook = Callable[[Any, Any, frozenset[FieldGroup], tuple[policy.Grant, ...]], None]
_disclosure_hooks: list[DisclosureHook] = []


def register_disclosure_hook(hook: DisclosureHook) -> None:
    if hook not in _disclosure_hooks:
        _disclosure_hooks.append(hook)


def _disclosed(view: CaseView, groups: frozenset[FieldGroup]) -> None:
    grants = tuple(g for g in view.reader.grants if g.groups & groups)
    for hook in _disclosure_hooks:
        hook(view.user, view.case, groups, grants)


def sensitivities_for(user: Any, relation: Relation | None) -> frozenset[str]:
    """Which note/document/event sensitivities the user may read on a case with this relation."""
    reader = reader_for(user, relation)
    decision = policy.decide(Kind.NOTE, policy.Action.VIEW, reader)
    if not decision:
        return frozenset()
    return policy.sensitivity_visible(decision.groups)


def participant_sensitivities(user: Any) -> frozenset[str]:
    """The sensitivities the user's agency reads on a case where it holds an accepted referral."""
    return sensitivities_for(user, Relation.PARTICIPANT)


class ShownRecord:
    """A record as one reader may read it: the fields given here (masked text) replace the record's own, every
    other attribute is the record's. Read-only by construction: the record itself is never changed, so nothing
    masked can be saved back."""

    def __init__(self, record: Any, **shown: Any) -> None:
        self._record = record
        self.__dict__.update(shown)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._record, name)


@dataclass(frozen=True)
class PartyView:
    """A person in a case as one viewer may see them: `identity_visible` False means show only `label`."""

    party: Any
    identity_visible: bool
    label: str

    @property
    def person(self) -> Any:
        return self.party.person if self.identity_visible else None


@dataclass
class CaseView:
    """A case seen by one user: the flags and filters every page, endpoint, export and notification uses."""

    case: Any
    user: Any
    relation: Relation

    @cached_property
    def sensitivities(self) -> frozenset[str]:
        return policy.sensitivity_visible(self.groups)

    @property
    def is_lead(self) -> bool:
        return self.relation == Relation.LEAD

    @property
    def is_pending(self) -> bool:
        return self.relation == Relation.PENDING

    @property
    def can_see_details(self) -> bool:
        """Narrative, modus details, route, parties (subject to identity rules), notes, timeline."""
        return FieldGroup.NARRATIVE in self.groups

    @property
    def can_see_investigation(self) -> bool:
        return FieldGroup.INVESTIGATION in self.groups

    @property
    def can_see_care(self) -> bool:
        return FieldGroup.MEDICAL in self.groups

    @property
    def can_edit(self) -> bool:
        return (
            self.relation in (Relation.LEAD, Relation.PARTICIPANT)
            and self.user.has_role(*WRITE_ROLES)
            and self.case.status == "OPEN"
        )

    @property
    def can_manage(self) -> bool:
        return (
            self.relation == Relation.LEAD
            and self.user.has_role(*MANAGE_ROLES)
            and self.case.status == "OPEN"
        )

    @property
    def can_see_reads(self) -> bool:
        """Whether the reader sees who in other agencies read the case (`selectors.case_reads_elsewhere`)."""
        return bool(policy.decide(Kind.CASE_READ, policy.Action.LIST, self.reader))

    @property
    def can_decide_approvals(self) -> bool:
        return self.relation == Relation.LEAD and self.user.has_role(Role.SUPERVISOR)

    @cached_property
    def _override_party_ids(self) -> frozenset[int]:
        from sinergi.cases.models import ShareOverride

        return frozenset(
            ShareOverride.objects.filter(
                party__case_id=self.case.pk, agency_id=self.user.agency_id
            ).values_list("party_id", flat=True)
        )

    @cached_property
    def reader(self) -> policy.Reader:
        # An agreement lets another agency see what the lead holds: the lead itself receives nothing under one,
        # so its reader needs no look-up of the agreements.
        return reader_for(self.user, self.relation, None if self.relation == Relation.LEAD else self.case.pk)

    @cached_property
    def groups(self) -> frozenset[FieldGroup]:
        """The field groups of the case this reader sees (`policy.redact` cuts the rest)."""
        decision = policy.decide(Kind.CASE, policy.Action.VIEW, self.reader)
        groups = decision.groups if decision else frozenset()
        granted = groups - policy.relation_groups(self.reader)
        if granted:
            _disclosed(self, granted)
        return groups

    def party_facts(self, party: Any) -> policy.PartyFacts:
        return policy.PartyFacts(
            is_victim=party.role == PartyRole.VICTIM,
            is_child=party.is_child,
            consent_given=party.consent_to_share == Consent.GIVEN,
            override_for_reader=party.pk in self._override_party_ids,
        )

    def can_see_identity(self, party: Any) -> bool:
        return policy.identity_visible(self.reader, self.party_facts(party))

    @property
    def sees_all_identities(self) -> bool:
        """Whether every party's identity is shown to this reader (no masking of the chronology needed)."""
        return all(view.identity_visible for view in self.parties())

    def parties(self) -> list[PartyView]:
        """The case's people, each with its identity shown or replaced by a role label ("Victim 2, child")."""
        return self._party_views

    @cached_property
    def grants_by_lead(self) -> dict[int, tuple[policy.Grant, ...]]:
        """The agreements in force for the reader's agency, read once for the notes', documents' and events'
        lists of this view (`within_case`)."""
        return grants_by_lead(_agency_id(self.user))

    def all_party_views(self) -> list[PartyView]:
        """Every person of the case, listed or not (`_all_party_views`): for counts a pending agency may see
        (how many victims, whether one is a child), never to show who they are."""
        return self._all_party_views

    @cached_property
    def _party_views(self) -> list[PartyView]:
        return self._all_party_views if self.can_see_details else []

    @cached_property
    def _all_party_views(self) -> list[PartyView]:
        """Every person of the case with this reader's identity decision, whether or not the reader may list
        them: what the masking of free text needs even where the parties themselves are not shown."""
        from django.utils.translation import gettext as _

        views = []
        counters: dict[str, int] = {}
        for party in self.case.parties.select_related("person", "victim_status_by").order_by("role", "id"):
            counters[party.role] = counters.get(party.role, 0) + 1
            label = f"{party.get_role_display()} {counters[party.role]}"
            if party.is_child:
                label = _("%(label)s (child)") % {"label": label}
            views.append(PartyView(party=party, identity_visible=self.can_see_identity(party), label=label))
        return views

    def narrative(self) -> str | None:
        """The narrative as this reader may read it: None without the narrative group; the people whose identity
        the reader may not see masked out (masking.py), so consent still decides who learns a name."""
        if FieldGroup.NARRATIVE not in self.groups:
            return None
        return self.mask(self.case.narrative)

    @cached_property
    def _masked_parties(self) -> list[PartyView]:
        return [view for view in self._all_party_views if not view.identity_visible]

    def mask(self, text: str | None) -> str:
        """Any free text written on this case (narrative, notes, timeline details) as this reader may read it:
        the recorded names, NIK, passport, phones and address of every party whose identity the reader may not
        see replaced by the party's label. The one masking of pages and API (masking.mask_text underneath)."""
        return mask_parties(text or "", self._masked_parties)

    def shown(self, records: Any) -> list[ShownRecord]:
        """`records` of this case (notes, referrals, transfers) with their free text (`FREE_TEXT`) masked."""
        return [
            ShownRecord(record, **{name: self.mask(getattr(record, name)) for name in free_text_of(record)})
            for record in records
        ]

    def shown_notes(self, notes: Any = None) -> list[ShownRecord]:
        """`notes` (default: every note the reader may read, newest first) with their text masked (`mask`)."""
        if notes is None:
            notes = self.notes().order_by("-created_at", "-id")
        return self.shown(notes)

    # Every list below reads through `within_case`: the rules of the models' restrict() (a lookup by id, an API
    # list), asked of this one case.
    def notes(self) -> Any:
        from sinergi.cases.models import Note

        # The search vector is for the database's search only.
        notes = Note.objects.defer("search_vector")
        return within_case(Kind.NOTE, self, notes).select_related("author", "agency")

    def documents(self) -> Any:
        from sinergi.cases.models import Document

        return within_case(Kind.DOCUMENT, self, Document.objects.all()).select_related(
            "agency", "uploaded_by"
        )

    def events(self) -> Any:
        from sinergi.cases.models import CaseEvent

        return within_case(EVENT_KIND, self, CaseEvent.objects.all())

    def referrals(self) -> Any:
        """Lead and participants see every referral of the case; a pending agency only its own."""
        from sinergi.cases.models import Referral

        return within_case(Kind.REFERRAL, self, Referral.objects.all()).select_related(
            "from_agency", "to_agency"
        )

    def transfers(self) -> Any:
        """Lead transfers: the lead sees all of them; another agency only those addressed to it."""
        from sinergi.cases.models import LeadTransfer

        return within_case(Kind.TRANSFER, self, LeadTransfer.objects.all()).select_related(
            "from_agency", "to_agency"
        )

    def approvals(self) -> Any:
        """Supervisor approvals (assessment, case plan, closure) are the lead agency's business."""
        from sinergi.cases.models import Approval

        return within_case(Kind.APPROVAL, self, Approval.objects.all()).select_related(
            "requested_by", "decided_by"
        )

    def route_events(self) -> Any:
        """The route (recruitment, transit, exploitation) is a case detail, hidden from a pending agency."""
        from sinergi.cases.models import RouteEvent

        qs = RouteEvent.objects.filter(case_id=self.case.pk).select_related("region")
        return qs if self.can_see_details else qs.none()

    def organisations(self) -> Any:
        """Perpetrator organisations belong to the investigation."""
        from sinergi.cases.models import CaseOrganisation

        qs = CaseOrganisation.objects.filter(case_id=self.case.pk)
        return qs if self.can_see_investigation else qs.none()

    def tasks(self) -> Any:
        """Tasks belong to the agency that owns them; the lead sees all of them."""
        from sinergi.cases.models import Task

        return within_case(Kind.TASK, self, Task.objects.all()).select_related("owner", "owner_agency")


# The free text that people write on a case's records, by model: it can name the case's people, so a reader who
# may not see who they are reads it masked (CaseView.mask), on pages, in the API and in letters alike.
FREE_TEXT: dict[str, tuple[str, ...]] = {
    "note": ("text",),
    "referral": ("reason", "answer_note", "close_reason"),
    "leadtransfer": ("reason", "answer_note"),
}


def free_text_of(record: Any) -> tuple[str, ...]:
    return FREE_TEXT[record._meta.model_name]


def shown_across_cases(user: Any, records: Any) -> list[ShownRecord]:
    """Records of several cases (an inbox: referrals, transfers) with their free text masked as `user` may read
    each case (`CaseView.shown`, one CaseView per case). A case out of the user's scope masks everyone."""
    views: dict[int, CaseView] = {}
    shown = []
    for record in records:
        view = views.get(record.case_id)
        if view is None:
            case = record.case
            view = case_view(user, case) or CaseView(case=case, user=user, relation=Relation.NONE)
            views[record.case_id] = view
        shown += view.shown([record])
    return shown


def case_view(user: Any, case: Any) -> CaseView | None:
    """The CaseView of `case` for `user`, or None if the case is out of the user's scope."""
    relation = relation_of(user, case)
    if relation is None:
        return None
    return CaseView(case=case, user=user, relation=relation)


def access_case_by_id(user: Any, case_id: Any, *, for_write: bool = False, manage: bool = False) -> Any:
    """The case if the user may see (or change / manage) it; otherwise Http404, the same as a missing case."""
    from sinergi.cases.models import Case

    action = "manage" if manage else ("change" if for_write else "view")
    try:
        pk = int(case_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    found = (
        Case.objects.restrict(user, action)
        .select_related("lead_agency", "intake_agency", "origin_region", "assigned_to", "flow_version")
        .defer("search_vector", "notes_vector")  # the database's search only
        .filter(pk=pk)
        # One row by its key: no ORDER BY (`first()` would add one, and Django compiles a position for each of
        # the hundred columns it selects, about a millisecond per case page).
        .order_by()[:1]
    )
    case = next(iter(found), None)
    if case is None:
        raise Http404
    return case


def party_identity_q(user: Any) -> Q | None:
    """The case parties whose identity `CaseView.can_see_identity` shows this user (policy.identity_visible as a
    Q over CaseParty), on cases where the agency is lead or participant; None for nobody at all."""
    agency_id = _agency_id(user)
    if agency_id is None or not user.has_role(*VIEW_ROLES):
        return None
    may_see_children = user.has_role(Role.CHILD_PROTECTION)
    lead = Q(case__lead_agency_id=agency_id)
    if not _sees_children_on_own_cases(user):
        lead &= ~Q(age_group="CHILD")
    accepted_cases = _accepted_case_ids(agency_id)
    shared_victim = Q(role=PartyRole.VICTIM) & (
        Q(consent_to_share=Consent.GIVEN) | Q(share_overrides__agency_id=agency_id)
    )
    participant_parts = shared_victim
    if user.agency.type in INVESTIGATION_AGENCY_TYPES:
        participant_parts |= ~Q(role=PartyRole.VICTIM)
    participant = Q(case_id__in=accepted_cases) & participant_parts
    # A data-sharing agreement granting identity shows the people of the granting agency's cases.
    for granting, grants in grants_by_lead(agency_id).items():
        if any(FieldGroup.IDENTITY in g.groups and Kind.PARTY in g.kinds for g in grants):
            participant |= Q(case_id__in=accepted_cases, case__lead_agency_id=granting)
    if not may_see_children:
        participant &= ~Q(age_group="CHILD")
    return lead | participant


def _sees_children_on_own_cases(user: Any) -> bool:
    """A child's identity on the agency's own cases: child protection staff and the lead's case handlers."""
    return user.has_role(Role.CHILD_PROTECTION) or user.has_role(*MANAGE_ROLES)


# The parties' condition that holds for none: what `party_identity_hidden_q` answers when nothing can be hidden.
NO_PARTY = Q(pk__in=[])


def party_identity_hidden_q(user: Any) -> Q | None:
    """The case parties within `user`'s case scope whose identity `party_identity_q` does not show (None when the
    user has no scope). On the cases its agency leads only a child can be hidden (from staff without the
    child-protection or a case-handling role); every other case in scope is one the agency was referred or
    asked to take over: hundreds, a few thousand in a busy office (bound as one array, AnyOf). Built from those
    parts, so that a look-up of hidden parties (the case search) never walks the parties of the tens of
    thousands of cases an agency leads."""
    agency_id = _agency_id(user)
    visible = party_identity_q(user)
    if agency_id is None or visible is None:
        return None
    # Those few case ids are read first, as a list: as subqueries, PostgreSQL tested them on every party row.
    others = list(
        _referred_case_ids(agency_id)
        .order_by()
        .values_list("case_id", flat=True)
        .union(_asked_to_lead_case_ids(agency_id).order_by().values_list("case_id", flat=True))
    )
    sees_children = _sees_children_on_own_cases(user)
    if not others and sees_children:
        return NO_PARTY
    parts = Q(AnyOf(F("case_id"), others)) if others else NO_PARTY
    if not sees_children:
        parts |= Q(case__lead_agency_id=agency_id, age_group="CHILD")
    return parts & ~visible


def person_scope_q(user: Any, action: str) -> Q:
    """People the user may reach through cases (people/access.py `extra_person_scope`): exactly the parties
    whose identity `CaseView.can_see_identity` shows, on cases where the agency is lead or participant."""
    from sinergi.cases.models import CaseParty

    nothing = Q(pk__in=[])
    parties = party_identity_q(user) if action in ("view", "reveal") else None
    if parties is None:
        return nothing
    return Q(pk__in=CaseParty.objects.filter(parties).values("person_id"))


def person_withheld_q(user: Any, action: str) -> Q:
    """People withheld from this user even within its own agency (people/access.py `withheld_person_scope`):
    victims' records from analysts, outreach officers and agency administrators who hold no case-handling
    role (policy: they see counts, posts and accounts, never a victim)."""
    from sinergi.cases.models import CaseParty

    if (
        getattr(user, "is_authenticated", False)
        and user.has_role(*policy.NO_VICTIM_ROLES, Role.AGENCY_ADMIN)
        and not user.has_role(*policy.VIEW_ROLES)
    ):
        return Q(pk__in=CaseParty.objects.filter(role=PartyRole.VICTIM).values("person_id"))
    return Q(pk__in=[])


# --- every record that hangs on a case --------------------------------------------------------------------


def _case_ids(user: Any, action: str) -> Any:
    """The ids of the cases `user` may `action`, as a subquery, or None for none."""
    from sinergi.cases.models import Case

    query = case_scope_q(user, action)
    if query is None:
        return None
    return Case.objects.filter(query).values("id")


def _accepted_case_ids(agency_id: int) -> Any:
    from sinergi.cases.models import Referral

    return Referral.objects.filter(to_agency_id=agency_id, state=ReferralState.ACCEPTED).values("case_id")


# A child rule asks two things of a record's case: which agency leads it, and whether the reader's agency holds
# an accepted referral on it. Over many cases the answers are SQL (Q); for the one case a CaseView already
# holds they are known (True/False), so its lists filter by the case alone instead of compiling and running
# the whole scope's subqueries once per list. One set of rules, two ways of asking.
Test = Q | bool


def _any(*parts: Test) -> Test:
    """OR of the parts: True if one is known true; the Q of the others otherwise (False if none is left)."""
    query: Q | None = None
    for part in parts:
        if part is True:
            return True
        if part is False:
            continue
        query = part if query is None else query | part
    return False if query is None else query


def _all(*parts: Test) -> Test:
    """AND of the parts: False if one is known false; the Q of the others otherwise (True if none is left)."""
    query: Q | None = None
    for part in parts:
        if part is False:
            return False
        if part is True:
            continue
        query = part if query is None else query & part
    return True if query is None else query


class _AnyCase:
    """The rules' questions as SQL over the records of any case."""

    def __init__(self, agency_id: int):
        self.agency_id = agency_id

    def grants(self) -> dict[int, tuple[policy.Grant, ...]]:
        return grants_by_lead(self.agency_id)

    def led_by(self, agency_id: int) -> Test:
        return Q(case__lead_agency_id=agency_id)

    @property
    def accepted(self) -> Test:
        return Q(case_id__in=_accepted_case_ids(self.agency_id))


class _OneCase:
    """The rules' questions answered for the one case of a CaseView, whose relation to the reader is known."""

    def __init__(self, view: CaseView):
        self.view = view

    def grants(self) -> dict[int, tuple[policy.Grant, ...]]:
        return self.view.grants_by_lead

    def led_by(self, agency_id: int) -> Test:
        return self.view.case.lead_agency_id == agency_id

    @property
    def accepted(self) -> Test:
        return self.view.relation == Relation.PARTICIPANT


Facts = _AnyCase | _OneCase


def _sensitive_q(user: Any, agency_id: int, facts: Facts) -> Test:
    """Notes, documents and events by sensitivity: all on the cases the agency leads, the participant's
    sensitivities on those it holds an accepted referral on."""
    parts = [
        facts.led_by(agency_id),
        _all(facts.accepted, Q(sensitivity__in=participant_sensitivities(user))),
    ]
    # A data-sharing agreement adds, on the granting agency's cases, the sensitivities of the groups it grants.
    participant = reader_for(user, Relation.PARTICIPANT)
    for granting, grants in facts.grants().items():
        led = facts.led_by(granting)
        if led is False:
            continue
        reader = policy.Reader(
            relation=participant.relation,
            roles=participant.roles,
            agency_type=participant.agency_type,
            grants=grants,
        )
        decision = policy.decide(Kind.NOTE, policy.Action.VIEW, reader)
        if decision:
            parts.append(
                _all(
                    led,
                    facts.accepted,
                    Q(sensitivity__in=policy.sensitivity_visible(decision.groups)),
                )
            )
    return _any(*parts)


def _detail_q(agency_id: int, facts: Facts) -> Test:
    return _any(facts.led_by(agency_id), facts.accepted)


ScopeRule = Callable[[Any, int, Facts], Test]

# What within the cases in scope each kind keeps, by the reader's agency (the policy's RULES, as tests that are SQL
# over many cases or known for one: `_AnyCase`, `_OneCase`).
_CHILD_SCOPES: dict[Kind, ScopeRule] = {
    # A pending addressee sees its own referral; lead and participants every referral of the case.
    Kind.REFERRAL: lambda user, agency_id, facts: _any(
        _detail_q(agency_id, facts), Q(to_agency_id=agency_id)
    ),
    # The lead sees every task; a participant the tasks its own agency owns.
    Kind.TASK: lambda user, agency_id, facts: _any(
        facts.led_by(agency_id), _all(facts.accepted, Q(owner_agency_id=agency_id))
    ),
    Kind.NOTE: _sensitive_q,
    Kind.DOCUMENT: _sensitive_q,
    # The lead sees every transfer; another agency only those addressed to it.
    Kind.TRANSFER: lambda user, agency_id, facts: _any(facts.led_by(agency_id), Q(to_agency_id=agency_id)),
    Kind.APPROVAL: lambda user, agency_id, facts: facts.led_by(agency_id),
    Kind.PARTY: lambda user, agency_id, facts: _detail_q(agency_id, facts),
}
# Timeline events follow the notes' rule (they carry the same sensitivities).
EVENT_KIND = Kind.NOTE


def scope_q(kind: Kind, user: Any, action: str = "view") -> Q | None:
    """The Q selecting the records of `kind` that `user` may `action`, or None for none (see `restrict`)."""
    if kind == Kind.NOTIFICATION:
        if not getattr(user, "is_authenticated", False):
            return None
        cases = _case_ids(user, "view")
        mine = Q(recipient_id=user.pk)
        return mine & (Q(case__isnull=True) | (Q(case_id__in=cases) if cases is not None else Q(pk__in=[])))
    if action not in ACTIONS:
        action = "change" if action in ("add", "delete") else "view"
    cases = _case_ids(user, action)
    if cases is None:
        return None
    agency_id = _agency_id(user)
    assert agency_id is not None  # case_scope_q gives nothing to a user without an agency
    within = _CHILD_SCOPES[kind](user, agency_id, _AnyCase(agency_id))
    if within is False:
        return None
    return Q(case_id__in=cases) if within is True else Q(case_id__in=cases) & within


def within_case(kind: Kind, view: CaseView, records: Any) -> Any:
    """`records` (a queryset of `kind`) narrowed to those of the view's case its reader may see: the same rules
    as `scope_q`, asked of the one case the view already holds (`_OneCase`)."""
    agency_id = _agency_id(view.user)
    if agency_id is None or view.relation not in (Relation.LEAD, Relation.PARTICIPANT, Relation.PENDING):
        return records.none()
    within = _CHILD_SCOPES[kind](view.user, agency_id, _OneCase(view))
    records = records.filter(case_id=view.case.pk)
    if within is False:
        return records.none()
    return records if within is True else records.filter(within)


class RestrictedQuerySetMixin:
    """`restrict(user, action)` for a model that hangs on a case; `scope_kind` names its policy kind."""

    scope_kind: Kind

    def restrict(self, user: Any, action: str = "view") -> Self:
        query = scope_q(self.scope_kind, user, action)
        if query is None:
            return self.none()  # type: ignore[attr-defined]
        return self.filter(query)  # type: ignore[attr-defined]


def _access_by_id(model: Any, user: Any, pk: Any, action: str, related: tuple[str, ...] = ()) -> Any:
    """The record if `user` may `action` it, else Http404 — the same answer as for an id that does not exist."""
    try:
        key = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    found = model.objects.restrict(user, action).select_related("case", *related).filter(pk=key).first()
    if found is None:
        raise Http404
    return found


def access_referral_by_id(user: Any, referral_id: Any, *, action: str = "view") -> Any:
    from sinergi.cases.models import Referral

    return _access_by_id(Referral, user, referral_id, action, ("to_agency", "from_agency"))


def access_task_by_id(user: Any, task_id: Any, *, action: str = "view") -> Any:
    from sinergi.cases.models import Task

    return _access_by_id(Task, user, task_id, action, ("owner",))


def access_document_by_id(user: Any, document_id: Any, *, action: str = "view") -> Any:
    from sinergi.cases.models import Document

    return _access_by_id(Document, user, document_id, action)


def access_note_by_id(user: Any, note_id: Any, *, action: str = "view") -> Any:
    from sinergi.cases.models import Note

    return _access_by_id(Note, user, note_id, action)


def access_transfer_by_id(user: Any, transfer_id: Any, *, action: str = "view") -> Any:
    from sinergi.cases.models import LeadTransfer

    return _access_by_id(LeadTransfer, user, transfer_id, action)


def access_approval_by_id(user: Any, approval_id: Any, *, action: str = "view") -> Any:
    from sinergi.cases.models import Approval

    return _access_by_id(Approval, user, approval_id, action)


def access_party_by_id(user: Any, party_id: Any, *, action: str = "view") -> Any:
    from sinergi.cases.models import CaseParty

    return _access_by_id(CaseParty, user, party_id, action)


# --- one redaction for pages and API ----------------------------------------------------------------------


_Cases = TypeVar("_Cases", bound=QuerySet[Any])


def with_reader_details(user: Any, cases: _Cases) -> _Cases:
    """Annotates each case of a list with whether the reader's agency leads it or holds an accepted referral:
    what `case_groups` needs to redact a list row without a query per row."""
    from django.db.models import BooleanField, Exists, OuterRef, Value, When
    from django.db.models import Case as CaseWhen

    from sinergi.cases.models import Referral

    agency_id = _agency_id(user)
    if agency_id is None:
        return cases.annotate(reader_details=Value(False, output_field=BooleanField()))
    accepted = Referral.objects.filter(
        case_id=OuterRef("pk"), to_agency_id=agency_id, state=ReferralState.ACCEPTED
    )
    return cases.annotate(
        reader_details=CaseWhen(
            When(lead_agency_id=agency_id, then=Value(True)),
            When(Exists(accepted), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def case_groups(case: Any) -> frozenset[FieldGroup]:
    """The field groups the current reader sees of `case`: set on the case by `case_detail`, or read from the
    list annotation (the narrative group only: list rows carry nothing finer). Unknown means none."""
    groups = getattr(case, "reader_groups", None)
    if groups is not None:
        return frozenset(groups)
    return frozenset({FieldGroup.NARRATIVE}) if getattr(case, "reader_details", False) else frozenset()


def shown(case: Any, name: str) -> Any:
    """The value of one field of `case` as the reader may see it (None when its group is withheld)."""
    return policy.redact(Kind.CASE, {name: getattr(case, name, None)}, case_groups(case))[name]


def mask_parties(text: str, hidden: list[PartyView]) -> str:
    """`text` with the recorded names, identifiers, phones and addresses of `hidden` parties masked."""
    from sinergi.cases.masking import MaskTarget, mask_text

    if not hidden or not text:
        return text
    targets = []
    for view in hidden:
        person = view.party.person
        targets.append(
            MaskTarget(
                label=view.label,
                names=(person.full_name, *[str(a) for a in (person.aliases or [])]),
                numbers=tuple(n for n in (person.nik, person.passport_number) if n),
                phones=tuple(phone.number for phone in person.phones.all()),
                addresses=(person.address_detail,) if person.address_detail else (),
            )
        )
    return mask_text(text, targets)
