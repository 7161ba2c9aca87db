"""Printing a case letter: the issuing agency's number and the download's audit entry, in one transaction."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext as _

from sinergi.agencies.models import Agency, User
from sinergi.agencies.services import letter_issue_in_transaction
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError


def letter_issue(*, actor: User, agency: Agency | None, kind: str, record: models.Model) -> str:
    """The letter number of `agency`'s letter of `kind` about `record` (a case, referral or transfer the caller
    found through the reader's CaseView); the print is written to the audit trail with that number."""
    if agency is None:
        raise ApplicationError(
            _("Only a member of an agency prints letters."), code="permission_denied", status=403
        )
    with transaction.atomic(durable=True):
        letter = letter_issue_in_transaction(actor=actor, agency=agency, kind=kind, record_id=record.pk)
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            obj=record,
            summary=f"letter {kind.lower()} printed",
            changes={"letter_number": letter.number, "issuing_agency_id": agency.pk},
        )
    return letter.number
