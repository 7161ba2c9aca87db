"""The export service: the anonymised dataset of the cases the actor may see, audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError
from sinergi.exchange.exports.htcds import FIELDS, anonymised_dataset, victim_records
from sinergi.exchange.exports.package import data_package
from sinergi.exchange.exports.statistics import statistics_rows

DEFAULT_K = 11
MAX_K = 100


def may_export(user) -> bool:
    from sinergi.agencies.choices import Role

    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.agency_id
        and user.has_role(Role.SUPERVISOR, Role.ANALYST)
    )


def htcds_export(*, actor, k: int = DEFAULT_K) -> tuple[bytes, dict]:
    """The zipped data package and the anonymisation report (what was generalised, how many suppressed)."""
    from sinergi.cases.models import Case

    if not may_export(actor):
        raise PermissionDenied
    if not 2 <= int(k) <= MAX_K:
        raise ApplicationError("k", code="invalid_k")
    cases = Case.objects.restrict(actor, "view").prefetch_related("parties__person").order_by("pk")
    cases = list(cases)
    rows, report = anonymised_dataset(cases, k=int(k))
    stats = statistics_rows(victim_records(cases), k=int(k))
    created = timezone.now().isoformat()
    body = data_package(
        name="sinergi-htcds-cases", title="Sinergi: anonymised cases (HTCDS 2.0 / CTDC)", fields=FIELDS,
        rows=rows, report=report, created=created, stats=stats,
    )  # fmt: skip
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            object_type="exchange.htcds_export",
            summary="anonymised HTCDS export",
            changes={"k": report.k, "records": report.total, "kept": report.kept, "suppressed": report.suppressed,
                     "levels": report.levels},
        )  # fmt: skip
    return body, {"k": report.k, "total": report.total, "kept": report.kept, "suppressed": report.suppressed,
                  "levels": report.level_names}  # fmt: skip
