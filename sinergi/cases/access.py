"""Need-to-know: the one place that decides who may see and do what on a case.

Scope (which cases at all) — `case_scope_q(user, action)`, used by `Case.objects.restrict(user, action)`:
- "view": the user's agency leads the case, or holds a PENDING or ACCEPTED referral on it, or has been asked to
  take over the lead (pending transfer). A declined, revoked or done referral ends the access.
- "change" (notes, tasks, documents, services, legal-track steps): the lead agency, or an agency holding an
  ACCEPTED referral; the user needs a working role (not read-only).
- "manage" (transitions of the care track, referrals, transfers, approvals, consent, closure): the lead agency
  only, case workers and supervisors.
Users without an agency, or without a case-handling role (analysts, outreach officers, agency administrators),
see no case; the platform operator is not an agency and sees none either.

Parts (what within a case) — `CaseView`:
- An agency with only a PENDING referral or transfer sees enough to decide: reference, channel, dates, stage,
  lead agency, origin regency, destination, exploitation types and sector, how many victims and whether any is a
  child, and the referral itself. No narrative, no names, no notes, documents or timeline.
- Investigation notes, documents and events go to the police and prosecutors (POLRI, KEJAKSAAN) and the lead
  agency; medical and psychosocial ones to the carers (DINSOS, UPTD PPA, DINKES) and the lead agency.
- A child's identity only to users with the child-protection role and to the lead agency's case workers and
  supervisors. An adult victim's identity goes beyond the lead agency only with the victim's consent to share,
  or an explicit, audited override for that agency. Suspects', recruiters', witnesses' and reporters' identities
  go to the lead agency and the investigators.
Pages, API, search, exports and notifications all go through this module.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q
from django.http import Http404

from sinergi.agencies.choices import AgencyType, Role
from sinergi.cases.choices import Consent, PartyRole, ReferralState, Sensitivity, TransferState

VIEW_ROLES = frozenset(
    {Role.CASE_WORKER, Role.INVESTIGATOR, Role.SUPERVISOR, Role.CHILD_PROTECTION, Role.READ_ONLY}
)
WRITE_ROLES = frozenset({Role.CASE_WORKER, Role.INVESTIGATOR, Role.SUPERVISOR, Role.CHILD_PROTECTION})
MANAGE_ROLES = frozenset({Role.CASE_WORKER, Role.SUPERVISOR, Role.INVESTIGATOR})
INVESTIGATION_AGENCY_TYPES = frozenset({AgencyType.POLRI, AgencyType.KEJAKSAAN})
CARE_AGENCY_TYPES = frozenset({AgencyType.DINSOS, AgencyType.UPTD_PPA, AgencyType.DINKES})
OPEN_REFERRAL_STATES = (ReferralState.PENDING, ReferralState.ACCEPTED)
ACTIONS = ("view", "change", "manage")


class Relation(enum.StrEnum):
    LEAD = "lead"
    PARTICIPANT = "participant"  # holds an accepted referral
    PENDING = "pending"  # has a referral or a lead transfer awaiting its answer


def _agency_id(user) -> int | None:
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return None
    return getattr(user, "agency_id", None)


def _roles_for(action: str) -> frozenset[str]:
    return {"view": VIEW_ROLES, "change": WRITE_ROLES, "manage": MANAGE_ROLES}[action]


def case_scope_q(user, action: str = "view") -> Q | None:
    """The Q selecting the cases `user` may `action`, or None for none at all."""
    from sinergi.cases.models import LeadTransfer, Referral

    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    agency_id = _agency_id(user)
    if agency_id is None or not user.has_role(*_roles_for(action)):
        return None
    lead = Q(lead_agency_id=agency_id)
    if action == "manage":
        return lead
    if action == "change":
        accepted = Referral.objects.filter(to_agency_id=agency_id, state=ReferralState.ACCEPTED)
        return lead | Q(id__in=accepted.values("case_id"))
    referred = Referral.objects.filter(to_agency_id=agency_id, state__in=OPEN_REFERRAL_STATES)
    transfer = LeadTransfer.objects.filter(to_agency_id=agency_id, state=TransferState.PENDING)
    return lead | Q(id__in=referred.values("case_id")) | Q(id__in=transfer.values("case_id"))


def relation_of(user, case) -> Relation | None:
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


def sensitivities_for(user, relation: Relation | None) -> frozenset[str]:
    """Which note/document/event sensitivities the user may read on a case with this relation."""
    if relation is None or relation == Relation.PENDING:
        return frozenset()
    if relation == Relation.LEAD:
        return frozenset(Sensitivity.values)
    allowed = {Sensitivity.GENERAL}
    agency_type = user.agency.type
    if agency_type in INVESTIGATION_AGENCY_TYPES:
        allowed.add(Sensitivity.INVESTIGATION)
    if agency_type in CARE_AGENCY_TYPES:
        allowed.add(Sensitivity.CARE)
    return frozenset(allowed)


@dataclass(frozen=True)
class PartyView:
    """A person in a case as one viewer may see them: `identity_visible` False means show only `label`."""

    party: object
    identity_visible: bool
    label: str

    @property
    def person(self):
        return self.party.person if self.identity_visible else None


@dataclass
class CaseView:
    """A case seen by one user: the flags and filters every page, endpoint, export and notification uses."""

    case: object
    user: object
    relation: Relation

    @cached_property
    def sensitivities(self) -> frozenset[str]:
        return sensitivities_for(self.user, self.relation)

    @property
    def is_lead(self) -> bool:
        return self.relation == Relation.LEAD

    @property
    def is_pending(self) -> bool:
        return self.relation == Relation.PENDING

    @property
    def can_see_details(self) -> bool:
        """Narrative, modus details, route, parties (subject to identity rules), notes, timeline."""
        return self.relation in (Relation.LEAD, Relation.PARTICIPANT)

    @property
    def can_see_investigation(self) -> bool:
        return Sensitivity.INVESTIGATION in self.sensitivities

    @property
    def can_see_care(self) -> bool:
        return Sensitivity.CARE in self.sensitivities

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

    def can_see_identity(self, party) -> bool:
        if not self.can_see_details:
            return False
        if party.is_child and not (
            self.user.has_role(Role.CHILD_PROTECTION) or (self.is_lead and self.user.has_role(*MANAGE_ROLES))
        ):
            return False
        if self.is_lead:
            return True
        if party.role == PartyRole.VICTIM:
            return party.consent_to_share == Consent.GIVEN or party.pk in self._override_party_ids
        return self.can_see_investigation

    def parties(self) -> list[PartyView]:
        """The case's people, each with its identity shown or replaced by a role label ("Victim 2, child")."""
        from django.utils.translation import gettext as _

        if not self.can_see_details:
            return []
        views = []
        counters: dict[str, int] = {}
        for party in self.case.parties.select_related("person", "victim_status_by").order_by("role", "id"):
            counters[party.role] = counters.get(party.role, 0) + 1
            label = f"{party.get_role_display()} {counters[party.role]}"
            if party.is_child:
                label = _("%(label)s (child)") % {"label": label}
            views.append(PartyView(party=party, identity_visible=self.can_see_identity(party), label=label))
        return views

    def notes(self):
        from sinergi.cases.models import Note

        return Note.objects.filter(case_id=self.case.pk, sensitivity__in=self.sensitivities).select_related(
            "author", "agency"
        )

    def documents(self):
        from sinergi.cases.models import Document

        return Document.objects.filter(
            case_id=self.case.pk, sensitivity__in=self.sensitivities
        ).select_related("agency", "uploaded_by")

    def events(self):
        from sinergi.cases.models import CaseEvent

        return CaseEvent.objects.filter(case_id=self.case.pk, sensitivity__in=self.sensitivities)

    def referrals(self):
        """Lead and participants see every referral of the case; a pending agency only its own."""
        from sinergi.cases.models import Referral

        qs = Referral.objects.filter(case_id=self.case.pk).select_related("from_agency", "to_agency")
        if not self.can_see_details:
            qs = qs.filter(to_agency_id=self.user.agency_id)
        return qs

    def transfers(self):
        """Lead transfers: the lead sees all of them; another agency only those addressed to it."""
        from sinergi.cases.models import LeadTransfer

        qs = LeadTransfer.objects.filter(case_id=self.case.pk).select_related("from_agency", "to_agency")
        if not self.is_lead:
            qs = qs.filter(to_agency_id=self.user.agency_id)
        return qs

    def approvals(self):
        """Supervisor approvals (assessment, case plan, closure) are the lead agency's business."""
        from sinergi.cases.models import Approval

        qs = Approval.objects.filter(case_id=self.case.pk).select_related("requested_by", "decided_by")
        return qs if self.is_lead else qs.none()

    def route_events(self):
        """The route (recruitment, transit, exploitation) is a case detail, hidden from a pending agency."""
        from sinergi.cases.models import RouteEvent

        qs = RouteEvent.objects.filter(case_id=self.case.pk).select_related("region")
        return qs if self.can_see_details else qs.none()

    def organisations(self):
        """Perpetrator organisations belong to the investigation."""
        from sinergi.cases.models import CaseOrganisation

        qs = CaseOrganisation.objects.filter(case_id=self.case.pk)
        return qs if self.can_see_investigation else qs.none()

    def tasks(self):
        """Tasks belong to the agency that owns them; the lead sees all of them."""
        from sinergi.cases.models import Task

        qs = Task.objects.filter(case_id=self.case.pk).select_related("owner", "owner_agency")
        if not self.is_lead:
            qs = qs.filter(owner_agency_id=self.user.agency_id) if self.can_see_details else qs.none()
        return qs


def case_view(user, case) -> CaseView | None:
    """The CaseView of `case` for `user`, or None if the case is out of the user's scope."""
    relation = relation_of(user, case)
    if relation is None:
        return None
    return CaseView(case=case, user=user, relation=relation)


def access_case_by_id(user, case_id, *, for_write: bool = False, manage: bool = False):
    """The case if the user may see (or change / manage) it; otherwise Http404, the same as a missing case."""
    from sinergi.cases.models import Case

    action = "manage" if manage else ("change" if for_write else "view")
    try:
        pk = int(case_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    case = (
        Case.objects.restrict(user, action)
        .select_related("lead_agency", "intake_agency", "origin_region", "assigned_to", "flow_version")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def person_scope_q(user, action: str) -> Q:
    """People the user may reach through cases (people/access.py `extra_person_scope`): exactly the parties
    whose identity `CaseView.can_see_identity` shows, on cases where the agency is lead or participant."""
    from sinergi.cases.models import CaseParty, Referral

    nothing = Q(pk__in=[])
    agency_id = _agency_id(user)
    if action not in ("view", "reveal") or agency_id is None or not user.has_role(*VIEW_ROLES):
        return nothing
    may_see_children = user.has_role(Role.CHILD_PROTECTION)
    lead = Q(case__lead_agency_id=agency_id)
    if not (may_see_children or user.has_role(*MANAGE_ROLES)):
        lead &= ~Q(age_group="CHILD")
    accepted_cases = Referral.objects.filter(to_agency_id=agency_id, state=ReferralState.ACCEPTED).values(
        "case_id"
    )
    shared_victim = Q(role=PartyRole.VICTIM) & (
        Q(consent_to_share=Consent.GIVEN) | Q(share_overrides__agency_id=agency_id)
    )
    participant_parts = shared_victim
    if user.agency.type in INVESTIGATION_AGENCY_TYPES:
        participant_parts |= ~Q(role=PartyRole.VICTIM)
    participant = Q(case_id__in=accepted_cases) & participant_parts
    if not may_see_children:
        participant &= ~Q(age_group="CHILD")
    return Q(pk__in=CaseParty.objects.filter(lead | participant).values("person_id"))
