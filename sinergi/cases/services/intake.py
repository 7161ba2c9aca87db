"""Opening a case: the reference number and the intake service (the case, its parties and first task
in one transaction)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.choices import Role
from sinergi.agencies.models import Agency, User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases.access import MANAGE_ROLES, WRITE_ROLES
from sinergi.cases.choices import (
    CaseEventKind,
    NotificationKind,
    Track,
)
from sinergi.cases.flow import parse_flow_cached
from sinergi.cases.models import (
    Case,
    ReferenceCounter,
)
from sinergi.cases.notifications import notify
from sinergi.cases.services._shared import _clean, _denied, _event, _mark_row, _reindex_case
from sinergi.cases.services.flow import flow_version_for_region
from sinergi.cases.services.records import (
    UPDATABLE_FIELDS,
    _organisation_add,
    _party_add,
    _record_new_person,
)
from sinergi.cases.services.referrals import referral_create_in_transaction
from sinergi.core.errors import ApplicationError


def _next_reference(agency: Agency, year: int) -> str:
    counter, _created = ReferenceCounter.objects.get_or_create(agency=agency, year=year)
    ReferenceCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
    number = ReferenceCounter.objects.values_list("last", flat=True).get(pk=counter.pk)
    return f"{agency.code.upper()}/{year}/{number:05d}"


def case_intake(*, actor: User, **arguments: Any) -> Case:
    """Registers a new case (see case_intake_in_transaction) in its own transaction."""
    with transaction.atomic(durable=True):
        return case_intake_in_transaction(actor=actor, **arguments)


def case_intake_in_transaction(
    *,
    actor: User,
    intake_channel: str,
    narrative: str = "",
    reported_at: datetime | None = None,
    lead_agency: Agency | None = None,
    assigned_to: User | None = None,
    parties: list[dict[str, Any]] | None = None,
    organisations: list[dict[str, Any]] | None = None,
    referrals: list[dict[str, Any]] | None = None,
    source_post_id: int | None = None,
    source_screening_id: int | None = None,
    **fields: Any,
) -> Case:
    """Registers a new case from any channel with what is known now; it starts at the flow's first stage.

    Call selectors.case_intake_duplicates first to warn the user of a probable duplicate; this service does
    not refuse one, because two reports of one victim can be two cases.
    `parties` is a list of {"person": Person, "role": PartyRole, "age_group": AgeGroup}; instead of "person" an
    entry may hold "new_person": people.services.PersonData (and "confirm_nik_mismatch": True), recorded in the
    same transaction as the case: a refused intake leaves no new person behind. A ValidationError raised for
    such an entry carries `party_index`, its position in `parties`. Suspects and recruiters are parties too
    (with "perpetrator_role"), the reporter is a party with role REPORTER.
    `organisations`: [{"name", "kind", "perpetrator_role", "licence_number", "country"}], the companies among
    the perpetrators (a P3MI, an unnamed "PT"); a refusal carries `organisation_index`.
    `referrals`: [{"to_agency", "need", "reason", "due_at"}], the first referrals, sent with the case (both or
    neither); a refusal (ApplicationError) carries `referral_index`.
    `assigned_to`: the case worker; by default the worker who registers the case, when they handle cases.
    `source_post_id` / `source_screening_id`: the post or departure screening the case is opened from, linked
    in the same transaction (detection's own `*_link_case_in_transaction`): a post the actor may not see
    refuses the whole intake with `not_found`, so there is never a case without its link or a link without
    its case.
    """
    if getattr(actor, "agency_id", None) is None or not actor.has_role(*MANAGE_ROLES, Role.INVESTIGATOR):
        raise _denied()
    unknown = set(fields) - set(UPDATABLE_FIELDS)
    if unknown:
        raise ApplicationError(
            _("Unknown fields."), code="validation_error", fields={k: [_("Unknown field.")] for k in unknown}
        )
    now = timezone.now()
    if assigned_to is None and actor.has_role(*WRITE_ROLES):
        assigned_to = actor
    agency = actor.agency
    assert agency is not None  # the agency_id check above
    lead = lead_agency or agency
    if lead.pk != actor.agency_id:
        # Registering on behalf of another agency would hand it a case it never saw: use a transfer instead.
        raise _denied(_("A case is registered by the agency that leads it; transfer the lead afterwards."))
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("case_intake_in_transaction() runs inside the caller's transaction.atomic()")
    with transaction.atomic():
        region = fields.get("origin_region") or getattr(lead, "jurisdiction", None)
        version = flow_version_for_region(region)
        flow = parse_flow_cached(version.content, version.source)
        stage = flow.initial(Track.CARE)
        reported = reported_at or now
        case = Case(
            reference=_next_reference(agency, timezone.localtime(now).year),
            intake_agency=agency,
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
        for index, entry in enumerate(organisations or []):
            try:
                _organisation_add(actor=actor, case=case, **entry)
            except ValidationError as exc:
                _mark_row(exc, "organisation_index", index)
                raise
        for index, entry in enumerate(referrals or []):
            try:
                referral_create_in_transaction(actor=actor, case=case, **entry)
            except ApplicationError as exc:
                _mark_row(exc, "referral_index", index)
                raise
        _link_sources(actor, case, post_id=source_post_id, screening_id=source_screening_id)
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


def _link_sources(actor: User, case: Case, *, post_id: int | None, screening_id: int | None) -> None:
    """Links the post or screening the case was opened from, inside the intake's transaction."""
    if not (post_id or screening_id):
        return
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from sinergi.detection.selectors import access_departure_screening, access_post
    from sinergi.detection.services.case_links import (
        departure_screening_link_case_in_transaction,
        post_link_case_in_transaction,
    )

    try:
        if post_id:
            access_post(user=actor, pk=post_id)
            post_link_case_in_transaction(actor=actor, post_id=post_id, case_id=case.pk)
        if screening_id:
            access_departure_screening(user=actor, pk=screening_id, action="change")
            departure_screening_link_case_in_transaction(
                actor=actor, screening_id=screening_id, case_id=case.pk
            )
    except (Http404, PermissionDenied) as exc:
        raise ApplicationError(
            _("The post or screening to attach was not found, or you may not see it."),
            code="not_found",
            status=404,
        ) from exc
