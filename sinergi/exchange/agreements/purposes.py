"""What each purpose of a data-sharing agreement may carry (decision 0013): the field groups it justifies and the
kinds of record they are shown on. An agreement grants the field groups it names *and* its purpose justifies,
never more (purpose limitation, UU 27/2022 on personal data protection): drafting refuses a group the purpose
does not justify, and the grants read by the access policy are cut to the purpose again, so that no agreement
written before this rule, or changed outside the service, discloses more than its purpose."""

from __future__ import annotations

from dataclasses import dataclass

from sinergi.cases.policy import FieldGroup, Kind
from sinergi.exchange.choices import AgreementPurpose

# The case and what hangs on it that carries field groups.
_ALL_KINDS = frozenset({Kind.CASE, Kind.PARTY, Kind.PERSON, Kind.NOTE, Kind.DOCUMENT})


@dataclass(frozen=True)
class PurposeScope:
    groups: frozenset[FieldGroup]
    kinds: frozenset[Kind]


PURPOSE_SCOPES: dict[str, PurposeScope] = {
    # Handling the case together: who the victim is, how to reach them, what happened; not their health
    # nor the police's file.
    AgreementPurpose.CASE_HANDLING: PurposeScope(
        frozenset({FieldGroup.IDENTITY, FieldGroup.CONTACTS, FieldGroup.NARRATIVE}), _ALL_KINDS
    ),
    # Shelter, health and recovery: the same and the medical and psychosocial record; not the investigation.
    AgreementPurpose.VICTIM_CARE: PurposeScope(
        frozenset({FieldGroup.IDENTITY, FieldGroup.CONTACTS, FieldGroup.NARRATIVE, FieldGroup.MEDICAL}),
        _ALL_KINDS,
    ),
    # Investigation and prosecution: the same and the legal track; not the victim's health.
    AgreementPurpose.INVESTIGATION: PurposeScope(
        frozenset({FieldGroup.IDENTITY, FieldGroup.CONTACTS, FieldGroup.NARRATIVE, FieldGroup.INVESTIGATION}),
        _ALL_KINDS,
    ),
    # Stopping a risky departure: recognising the person and the route, the modus and the destination, on
    # the case and its people; no contacts, no notes or documents of the case work.
    AgreementPurpose.PREVENTION: PurposeScope(
        frozenset({FieldGroup.IDENTITY, FieldGroup.NARRATIVE}),
        frozenset({Kind.CASE, Kind.PARTY, Kind.PERSON}),
    ),
    # Counting: the route, the modus and the destination of the case, never who it is about (the anonymised
    # exports serve statistics without any agreement).
    AgreementPurpose.STATISTICS: PurposeScope(frozenset({FieldGroup.NARRATIVE}), frozenset({Kind.CASE})),
}

_NOTHING = PurposeScope(frozenset(), frozenset())


def purpose_scope(purpose: str) -> PurposeScope:
    """The scope of a purpose; an unknown purpose justifies nothing."""
    return PURPOSE_SCOPES.get(purpose, _NOTHING)


def groups_beyond_purpose(purpose: str, groups: list[str]) -> list[str]:
    """The field groups named that the purpose does not justify, in the order given."""
    allowed = purpose_scope(purpose).groups
    return [g for g in groups if g not in allowed]


def purpose_table() -> list[tuple[str, list[str]]]:
    """(purpose label, labels of the field groups it justifies) for every purpose, for the drafting page."""
    from sinergi.exchange.choices import SharedFieldGroup

    return [
        (
            str(purpose.label),
            [str(g.label) for g in SharedFieldGroup if g.value in purpose_scope(purpose).groups],
        )
        for purpose in AgreementPurpose
    ]
