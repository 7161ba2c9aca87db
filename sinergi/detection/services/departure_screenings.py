"""Departure screenings: an officer's interview at a checkpoint, scored by sinergi.detection.departure."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError
from sinergi.detection import departure
from sinergi.detection.choices import RISK_RANK
from sinergi.detection.models import DepartureScreening, agency_province_code, can_create_departure_screening

if TYPE_CHECKING:
    from sinergi.agencies.models import User


def checkpoint_province(name: str) -> str:
    from sinergi.detection.checkpoints import CHECKPOINTS

    for checkpoint in CHECKPOINTS:
        if checkpoint.name == name:
            return checkpoint.province
    return ""


@transaction.atomic(durable=True)
def departure_screening_create(
    *,
    actor: User,
    checkpoint_type: str,
    checkpoint_name: str,
    answers: dict[str, Any],
    traveller_name: str = "",
) -> DepartureScreening:
    """Scores a departure interview (sinergi.detection.departure) and stores it with its result."""
    return departure_screening_create_in_transaction(
        actor=actor,
        checkpoint_type=checkpoint_type,
        checkpoint_name=checkpoint_name,
        answers=answers,
        traveller_name=traveller_name,
    )


def departure_screening_create_in_transaction(
    *,
    actor: User,
    checkpoint_type: str,
    checkpoint_name: str,
    answers: dict[str, Any],
    traveller_name: str = "",
) -> DepartureScreening:
    """departure_screening_create() as one step of a larger service that holds the transaction (an import)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("departure_screening_create_in_transaction() runs inside the caller's transaction")
    if not can_create_departure_screening(actor):
        raise PermissionDenied
    try:
        result = departure.assess(answers)
        clean = departure.clean_answers(answers)
    except departure.InvalidAnswers as exc:
        messages = {
            "required": _("This answer is required."),
            "invalid_choice": _("This answer is not one of the choices."),
            "invalid_number": _("Enter a whole number."),
            "out_of_range": _("This number is out of range."),
            "invalid_country": _("Use the two-letter country code (ISO 3166), for example MY."),
        }
        raise ApplicationError(
            _("Some answers are missing or not valid."),
            code="invalid_answers",
            fields={name: [str(messages.get(code, code))] for name, code in exc.errors.items()},
        ) from exc
    checkpoint_name = (checkpoint_name or "").strip()
    screening = DepartureScreening(
        officer=actor,
        agency=actor.agency,
        checkpoint_type=checkpoint_type,
        checkpoint_name=checkpoint_name,
        province_code=checkpoint_province(checkpoint_name) or agency_province_code(actor.agency),
        traveller_name=(traveller_name or "").strip()[:200],
        destination_country=clean.get("destination_country", ""),
        answers=clean,
        risk_level=result.risk_level,
        risk_rank=RISK_RANK[result.risk_level],
        score=result.score,
        reasons=[
            {
                "code": r.code,
                "weight": r.weight,
                "reason_id": r.reason_id,
                "reason_en": r.reason_en,
                "basis": r.basis,
                "ilo": r.ilo,
            }
            for r in result.reasons
        ],
        recommended_action=result.recommended_action,
        rules_version=result.rules_version,
    )
    screening.full_clean()
    screening.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=screening,
        summary=f"Departure screening: {result.risk_level}, {result.recommended_action}",
        changes={
            "checkpoint_type": checkpoint_type,
            "risk_level": result.risk_level,
            "recommended_action": result.recommended_action,
            "rules": [r.code for r in result.reasons],
        },
    )
    return screening
