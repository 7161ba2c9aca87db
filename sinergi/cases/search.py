"""Finding cases by a person: a victim's, a suspect's or a reporter's name (with the spellings of one name that
records mix: Muhammad / Muhamad / Moh. / M.), NIK, phone or passport number.

What was typed is read by the people search (`people.selectors.parse_query`, `people_matching`: exact blind-index
lookups for identifiers, word prefixes for names, docs/decisions/0004). A case is found through a person only
where the reader sees that person's identity in that case: the parties are narrowed by
`access.party_identity_q` (the policy's identity rule as a query) and each one shown is asked again of the
policy (`CaseView.can_see_identity`), so an agency that sees a case without its victim's identity (a pending
referral, no consent to share) cannot find it by the victim's name or NIK. Each search writes one audit entry
with a keyed hash of what was searched, never the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from sinergi.audit.services import audit_read
from sinergi.cases import access
from sinergi.cases.access import PartyView
from sinergi.cases.choices import PartyRole
from sinergi.cases.models import Case, CaseParty
from sinergi.people.models import Person
from sinergi.people.selectors import ParsedQuery, parse_query, people_matching, query_error

MAX_CASES = 100

# The roles a search may be narrowed to; a recruiter is searched as a suspect.
ROLE_CHOICES = [
    ("", _("Anyone in the case")),
    ("victim", _("Victim")),
    ("suspect", _("Suspect or recruiter")),
    ("reporter", _("Reporter")),
    ("witness", _("Witness")),
]
_ROLES: dict[str, tuple[str, ...]] = {
    "victim": (PartyRole.VICTIM,),
    "suspect": (PartyRole.SUSPECT, PartyRole.RECRUITER),
    "reporter": (PartyRole.REPORTER,),
    "witness": (PartyRole.WITNESS,),
}


@dataclass(frozen=True)
class PersonMatch:
    """A case found through a person, with the people of the case that matched (all with identity shown)."""

    case: Case
    parties: tuple[PartyView, ...]


@dataclass(frozen=True)
class PersonCaseSearch:
    parsed: ParsedQuery
    error: str = ""
    matches: list[PersonMatch] = field(default_factory=list)
    capped: bool = False

    @property
    def searched(self) -> bool:
        return bool(self.parsed.kind) and not self.error


def visible_parties(user: Any) -> Any:
    """The case parties whose identity this reader sees, as a queryset (none for a reader who sees nobody)."""
    query = access.party_identity_q(user)
    if query is None:
        return CaseParty.objects.none()
    return CaseParty.objects.filter(query)


def case_person_search(*, user: Any, query: str, role: str = "") -> PersonCaseSearch:
    """The cases the reader may open in which a person matching `query` appears in `role` ("" for any role)
    with their identity visible to the reader; newest report first, at most MAX_CASES."""
    parsed = parse_query(query)
    if parsed.kind == "":
        return PersonCaseSearch(parsed=parsed)
    if parsed.kind == "invalid":
        return PersonCaseSearch(parsed=parsed, error=query_error(parsed))
    # Unscoped on purpose: the parties below keep only those whose identity the reader sees.
    people = people_matching(Person.objects.all(), parsed).order_by().values("pk")
    parties = visible_parties(user).filter(person_id__in=people)
    if role in _ROLES:
        parties = parties.filter(role__in=_ROLES[role])
    matches, capped = _matches(user, set(parties.values_list("pk", flat=True)[: MAX_CASES * 5]))
    _record(user=user, parsed=parsed, role=role, count=len(matches))
    return PersonCaseSearch(parsed=parsed, matches=matches, capped=capped)


def _matches(user: Any, party_ids: set[int]) -> tuple[list[PersonMatch], bool]:
    """The cases of these parties the reader may open, newest first, each with the parties the policy shows
    the reader (`CaseView.can_see_identity`); and whether more than MAX_CASES were found."""
    if not party_ids:
        return [], False
    cases = list(
        Case.objects.restrict(user, "view")
        .filter(parties__pk__in=party_ids)
        .distinct()
        .select_related("lead_agency", "flow_version")
        .order_by("-reported_at", "-id")[: MAX_CASES + 1]
    )
    matches = []
    for case in cases[:MAX_CASES]:
        view = access.case_view(user, case)
        if view is None:
            continue
        shown = tuple(p for p in view.parties() if p.party.pk in party_ids and p.identity_visible)
        if shown:
            matches.append(PersonMatch(case=case, parties=shown))
    return matches, len(cases) > MAX_CASES


def _record(*, user: Any, parsed: ParsedQuery, role: str, count: int) -> None:
    value = " ".join(parsed.value) if isinstance(parsed.value, list) else str(parsed.value)
    audit_read(
        actor=user,
        object_type="cases.person_search",
        summary="case search by person",
        count=count,
        searched={parsed.kind: value},
        extra={"role": role if role in _ROLES else ""},
    )


def person_cases(*, user: Any, person: Any) -> list[PersonMatch]:
    """The cases of one person that the reader may open and in which the reader sees this person's identity
    (the person page's list): the same rule as the search, for one person record."""
    parties = visible_parties(user).filter(person_id=person.pk)
    matches, _capped = _matches(user, set(parties.values_list("pk", flat=True)))
    return matches


def person_case_rows(user: Any, person: Any) -> list[Any]:
    """The person page's list (registered with `people.access.register_person_cases`)."""
    from django.urls import reverse

    from sinergi.cases.templatetags.cases import stage_label
    from sinergi.people.access import PersonCase

    return [
        PersonCase(
            reference=match.case.reference,
            href=reverse("cases:detail", args=[match.case.pk]),
            roles=", ".join(dict.fromkeys(str(p.party.get_role_display()) for p in match.parties)),
            stage=stage_label(match.case),
            lead_agency=match.case.lead_agency.name,
            open=match.case.status == "OPEN",
        )
        for match in person_cases(user=user, person=person)
    ]
