"""What the access policy reads of the agreements: the grants in force for an agency on a case (the agreements
the case's lead agency signed with it), the same by lead agency for the querysets, and the log of every
disclosure made under one. Registered from the exchange app's plugins (cases sits below exchange and imports
nothing of it: sinergi.cases.policy.register_agreement_source, access.register_grants_by_lead,
access.register_disclosure_hook)."""

from __future__ import annotations

from collections.abc import Mapping

from sinergi.cases.policy import FieldGroup, Grant
from sinergi.exchange.agreements.purposes import purpose_scope


def grants_in_force(receiving_agency_id: int) -> Mapping[int, tuple[Grant, ...]]:
    """{granting agency id: its grants in force} for this receiving agency (signed, between the dates): the
    field groups each names, cut to what its purpose justifies, on the kinds of record its purpose covers."""
    from sinergi.exchange.models import SharingAgreement

    found: dict[int, tuple[Grant, ...]] = {}
    rows = SharingAgreement.objects.in_force().filter(receiving_agency_id=receiving_agency_id)
    for pk, granting, groups, purpose in rows.values_list(
        "pk", "granting_agency_id", "field_groups", "purpose"
    ):
        scope = purpose_scope(purpose)
        named = frozenset(FieldGroup(g) for g in groups if g in FieldGroup.__members__.values())
        grant = Grant(groups=named & scope.groups, kinds=scope.kinds, agreement_id=pk)
        found[granting] = (*found.get(granting, ()), grant)
    return found


def agreement_source(agency_id: int | None, case_id: int | None) -> tuple[Grant, ...]:
    """policy.agreement_grants' source: the grants the lead agency of case `case_id` gives `agency_id`. Without a
    case (case_id None) nothing: an agreement covers the granting agency's cases, not every case."""
    from sinergi.cases.models import Case

    if agency_id is None or case_id is None:
        return ()
    lead = Case.objects.filter(pk=case_id).values_list("lead_agency_id", flat=True).first()
    if lead is None or lead == agency_id:
        return ()
    return grants_in_force(agency_id).get(lead, ())


def log_disclosure(user, case, groups: frozenset[FieldGroup], grants: tuple[Grant, ...]) -> None:
    """One audit entry each time an agreement shows a reader of another agency more than its relation does:
    which case, which groups, under which agreements (ids and codes only)."""
    from sinergi.audit.choices import AuditAction
    from sinergi.audit.services import audit_record

    audit_record(
        actor=user,
        action=AuditAction.VIEW,
        obj=case,
        summary="disclosed under a data-sharing agreement",
        changes={
            "agreements": sorted(g.agreement_id for g in grants if g.agreement_id is not None),
            "groups": sorted(groups),
            "receiving_agency": user.agency_id,
        },
    )
