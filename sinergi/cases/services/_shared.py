"""Helpers every case service shares: refusals, relation and version checks, the timeline event, search
reindexing. Private to the services package."""

from __future__ import annotations

import functools
import operator
from collections.abc import Collection
from datetime import datetime

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import OuterRef, Subquery, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import Agency, User
from sinergi.cases import access
from sinergi.cases.access import WRITE_ROLES, Relation
from sinergi.cases.choices import (
    NOTE_WEIGHTS,
    CaseStatus,
    Sensitivity,
)
from sinergi.cases.models import (
    Case,
    CaseEvent,
    Note,
    Referral,
)
from sinergi.core.errors import ApplicationError, ConflictError


def _denied(message: str | None = None) -> ApplicationError:
    return ApplicationError(
        message or _("You are not allowed to do this."), code="permission_denied", status=403
    )


def _not_found() -> ApplicationError:
    return ApplicationError(_("Case not found."), code="not_found", status=404)


def _require_relation(
    actor: User, case: Case, *, allowed: tuple[Relation, ...], roles: Collection[str] = WRITE_ROLES
) -> Relation:
    relation = access.relation_of(actor, case)
    if relation is None:
        raise _not_found()
    if relation not in allowed or not actor.has_role(*roles):
        raise _denied()
    return relation


def _require_open(case: Case) -> None:
    if case.status != CaseStatus.OPEN:
        raise ApplicationError(_("The case is closed."), code="case_closed", status=409)


def _check_version(case: Case, expected_version: int | str | None) -> None:
    if expected_version is not None and int(expected_version) != case.version:
        raise ConflictError(
            _("Someone else changed this case while you were working on it. Reload it and try again."),
            code="conflict",
        )


def _clean(obj: models.Model, exclude: Collection[str] | None = None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise ApplicationError(
            _("Some fields are not valid."),
            code="validation_error",
            fields={k: [str(m) for m in v] for k, v in exc.message_dict.items()},
        ) from exc


def _event(
    case: Case,
    kind: str,
    *,
    actor: User | None = None,
    agency: Agency | None = None,
    sensitivity: str = Sensitivity.GENERAL,
    referral: Referral | None = None,
    **data: object,
) -> CaseEvent:
    return CaseEvent.objects.create(
        case=case,
        kind=kind,
        actor=actor,
        agency=agency if agency is not None else getattr(actor, "agency", None),
        sensitivity=sensitivity,
        referral=referral,
        data=data,
    )


def _touch(case: Case, *fields: str, at: datetime | None = None) -> None:
    """Saves the listed fields and bumps the optimistic-lock version (the caller holds the row lock)."""
    case.version += 1
    case.updated_at = at or timezone.now()
    case.save(update_fields=[*fields, "version", "updated_at"])


def _first_action(case: Case, at: datetime) -> list[str]:
    if case.first_action_at is None:
        case.first_action_at = at
        return ["first_action_at"]
    return []


def _mark_row(exc: Exception, name: str, index: int) -> None:
    """Names the intake row a refusal belongs to (`party_index`, `organisation_index`, `referral_index`): the
    intake page reads it back with getattr to put the messages on that row."""
    setattr(exc, name, index)


def _reindex_case(case_id: int) -> None:
    if connection.vendor == "postgresql":
        Case.objects.filter(pk=case_id).update(
            search_vector=SearchVector("reference", weight="A", config="simple")
            + SearchVector("narrative", "promised_job", "destination_city", weight="B", config="simple")
        )


def _reindex_note(note: Note) -> None:
    if connection.vendor == "postgresql":
        Note.objects.filter(pk=note.pk).update(search_vector=SearchVector("text", config="simple"))
        # SQLite's search reads the notes themselves; PostgreSQL's the case row.
        Case.objects.filter(pk=note.case_id).update(notes_vector=notes_vector())


def notes_vector() -> Combinable:
    """The expression of Case.notes_vector: each sensitivity's notes as one text, weighted by its
    `NOTE_WEIGHTS` letter, so that a search can keep the kinds a reader may read (ts_filter)."""
    parts = []
    for sensitivity, weight in NOTE_WEIGHTS.items():
        text = (
            Note.objects.filter(case_id=OuterRef("pk"), sensitivity=sensitivity)
            .order_by()
            .values("case_id")
            .annotate(text=StringAgg("text", " "))
            .values("text")
        )
        parts.append(
            SearchVector(
                Coalesce(Subquery(text), Value(""), output_field=models.TextField()),
                weight=weight,
                config="simple",
            )
        )
    return functools.reduce(operator.add, parts)
