"""Writes of data-sharing agreements: draft, sign (the approval step), revoke. Each is audited in its own
transaction; a signature or a revocation takes effect on the next read, since the policy reads agreements."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import Agency, User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError
from sinergi.exchange.agreements import access
from sinergi.exchange.agreements.purposes import groups_beyond_purpose
from sinergi.exchange.choices import AgreementPurpose, AgreementStatus, SharedFieldGroup
from sinergi.exchange.models import SharingAgreement

MAX_YEARS = 5


def agreement_create(
    *,
    actor: User,
    receiving_agency: Agency | None,
    field_groups: list[str],
    purpose: str,
    valid_from: date,
    valid_until: date,
    reference: str = "",
) -> SharingAgreement:
    """Drafts an agreement by which the actor's agency grants `receiving_agency` the field groups named, each of
    which its purpose must justify (agreements.purposes). It grants nothing until a supervisor of the actor's
    agency other than the actor signs it."""
    if not access.may_draft_agreements(actor):
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    groups = list(dict.fromkeys(field_groups or []))
    if not groups:
        errors["field_groups"] = [_("Choose at least one field group.")]
    elif any(g not in SharedFieldGroup.values for g in groups):
        errors["field_groups"] = [_("Choose the field groups from the list.")]
    elif purpose not in AgreementPurpose.values:
        errors["purpose"] = [_("Choose the purpose from the list.")]
    elif beyond := groups_beyond_purpose(purpose, groups):
        errors["field_groups"] = [
            _("The purpose “%(purpose)s” does not justify sharing: %(groups)s.")
            % {
                "purpose": AgreementPurpose(purpose).label,
                "groups": "; ".join(str(SharedFieldGroup(g).label) for g in beyond),
            }
        ]
    if receiving_agency is None or receiving_agency.pk == actor.agency_id:
        errors["receiving_agency"] = [_("Choose another agency: an agency does not share with itself.")]
    elif not receiving_agency.is_active:
        errors["receiving_agency"] = [_("This agency is no longer active.")]
    if valid_from and valid_until:
        if valid_until < valid_from:
            errors["valid_until"] = [_("The end date must not be before the start date.")]
        elif valid_until < timezone.localdate():
            errors["valid_until"] = [_("The end date has already passed.")]
        elif (valid_until - valid_from).days > MAX_YEARS * 366:
            errors["valid_until"] = [_("An agreement runs for at most %(n)d years.") % {"n": MAX_YEARS}]
    if errors:
        raise ValidationError(errors)
    assert receiving_agency is not None  # refused above without one
    agreement = SharingAgreement(
        # django-stubs wants a value; an actor without an agency gets None, which full_clean() below refuses.
        granting_agency_id=actor.agency_id,  # type: ignore[misc]
        receiving_agency=receiving_agency,
        field_groups=sorted(groups),
        purpose=purpose,
        valid_from=valid_from,
        valid_until=valid_until,
        reference=(reference or "").strip(),
        created_by=actor,
    )
    agreement.full_clean()
    with transaction.atomic(durable=True):
        agreement.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=agreement,
            summary="data-sharing agreement drafted",
            changes={
                "receiving_agency": receiving_agency.pk,
                "field_groups": agreement.field_groups,
                "purpose": purpose,
                "valid_from": valid_from,
                "valid_until": valid_until,
            },
        )
    return agreement


def _locked(agreement_id: int) -> SharingAgreement:
    return SharingAgreement.objects.select_for_update().get(pk=agreement_id)


def agreement_sign(*, actor: User, agreement: SharingAgreement) -> SharingAgreement:
    """A supervisor of the granting agency, not the drafter, signs: from then (and from `valid_from`) the
    receiving agency sees the field groups granted."""
    with transaction.atomic(durable=True):
        locked = _locked(agreement.pk)
        if not access.may_sign(actor, locked):
            raise ApplicationError(
                _("Only a supervisor of the granting agency who did not draft the agreement may sign it."),
                code="permission_denied",
                status=403,
            )
        if locked.status != AgreementStatus.DRAFT:
            raise ApplicationError(_("This agreement is not awaiting a signature."), code="not_draft")
        locked.status = AgreementStatus.SIGNED
        locked.signed_by = actor
        locked.signed_at = timezone.now()
        locked.save(update_fields=["status", "signed_by", "signed_at"])
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=locked,
            summary="data-sharing agreement signed",
            changes={"status": locked.status, "field_groups": locked.field_groups},
        )
    return locked


def agreement_revoke(*, actor: User, agreement: SharingAgreement, reason: str) -> SharingAgreement:
    """Ends an agreement (a draft or a signed one) at once and for good."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the agreement is revoked.")]})
    with transaction.atomic(durable=True):
        locked = _locked(agreement.pk)
        if not access.may_revoke(actor, locked):
            raise ApplicationError(
                _("Only the granting agency's supervisors and administrators may revoke it."),
                code="permission_denied",
                status=403,
            )
        if locked.status == AgreementStatus.REVOKED:
            raise ApplicationError(_("This agreement has already been revoked."), code="revoked")
        locked.status = AgreementStatus.REVOKED
        locked.revoked_by = actor
        locked.revoked_at = timezone.now()
        locked.revoke_reason = reason[:300]
        locked.save(update_fields=["status", "revoked_by", "revoked_at", "revoke_reason"])
        audit_record(
            actor=actor,
            action=AuditAction.TRANSITION,
            obj=locked,
            summary="data-sharing agreement revoked",
            changes={"status": locked.status},
        )
    return locked
