"""The export services: the anonymised dataset of the cases the actor's agency leads (the access policy's
`anonymised_export_q`), audited; and the export runs of the exports page, built now for a small agency and in
the background worker for a large one."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError
from sinergi.exchange.choices import ExportKind, ExportStatus
from sinergi.exchange.exports.htcds import FIELDS, anonymised_dataset, victim_records
from sinergi.exchange.exports.package import data_package
from sinergi.exchange.exports.statistics import statistics_rows

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from sinergi.cases.models import Case
    from sinergi.exchange.models import ExportRun

logger = logging.getLogger(__name__)

DEFAULT_K = 11
MIN_K = 2
MAX_K = 100
# An agency with more cases than this has its export built by the background worker.
SYNC_CASES = 2000


def may_export(user: User) -> bool:
    from sinergi.cases.access import anonymised_export_q

    return bool(getattr(user, "is_authenticated", False) and user.is_active and anonymised_export_q(user))


def _cases(actor: User) -> QuerySet[Case]:
    from sinergi.cases.access import anonymised_export_q
    from sinergi.cases.models import Case

    query = anonymised_export_q(actor)
    if query is None:
        raise PermissionDenied
    return Case.objects.filter(query)


def _checked_k(k: int | str | None) -> int:
    try:
        value = int(k) if k is not None else 0
    except (TypeError, ValueError):
        value = 0
    if not MIN_K <= value <= MAX_K:
        raise ApplicationError(
            _("k must be a whole number from %(low)d to %(high)d.") % {"low": MIN_K, "high": MAX_K},
            code="invalid_k",
            fields={"k": [_("From %(low)d to %(high)d.") % {"low": MIN_K, "high": MAX_K}]},
        )
    return value


def htcds_export(
    *, actor: User, k: int = DEFAULT_K, kind: str = ExportKind.CASES
) -> tuple[bytes, dict[str, object]]:
    """The zipped data package and the anonymisation report (what was generalised, how many suppressed)."""
    if not may_export(actor):
        raise PermissionDenied
    k = _checked_k(k)
    cases = list(_cases(actor).prefetch_related("parties__person").order_by("pk"))
    rows, report = anonymised_dataset(cases, k=k)
    stats = statistics_rows(victim_records(cases), k=k)
    created = timezone.now().isoformat()
    if kind == ExportKind.STATISTICS:
        body = data_package(
            name="sinergi-statistics", title="Sinergi: statistical tables", fields=None, rows=None,
            report=report, created=created, stats=stats,
        )  # fmt: skip
    else:
        body = data_package(
            name="sinergi-htcds-cases", title="Sinergi: anonymised cases (HTCDS 2.0 / CTDC)", fields=FIELDS,
            rows=rows, report=report, created=created, stats=stats,
        )  # fmt: skip
    with transaction.atomic(durable=True):
        audit_record(
            actor=actor,
            action=AuditAction.EXPORT,
            object_type="exchange.htcds_export",
            summary="anonymised HTCDS export" if kind == ExportKind.CASES else "anonymised statistics export",
            changes={"k": report.k, "records": report.total, "kept": report.kept, "suppressed": report.suppressed,
                     "levels": report.levels, "kind": kind},
        )  # fmt: skip
    return body, {"k": report.k, "total": report.total, "kept": report.kept, "suppressed": report.suppressed,
                  "levels": report.level_names, "generalised": sorted(q for q, lv in report.levels.items() if lv),
                  "statistics_rows": len(stats), "statistics_hidden": sum(1 for r in stats if r["victims"] is None)}  # fmt: skip


def export_request(*, actor: User, kind: str, k: int | str | None) -> ExportRun:
    """Asks for an export: built at once for an agency with few cases, else queued for the background worker."""
    from sinergi.exchange.exports.tasks import run_export
    from sinergi.exchange.models import ExportRun

    if not may_export(actor):
        raise PermissionDenied
    if kind not in ExportKind.values:
        raise ApplicationError(_("Choose the export from the list."), code="invalid_kind")
    agency_id = actor.agency_id
    assert agency_id is not None  # may_export: anonymised_export_q gives nothing to a user without an agency
    run = ExportRun(agency_id=agency_id, requested_by=actor, kind=kind, k=_checked_k(k))
    run.full_clean()
    run.save()
    if _cases(actor).count() <= SYNC_CASES:
        export_run(run_id=run.pk)
    else:
        run_export.enqueue(run_id=run.pk)
    run.refresh_from_db()
    return run


def export_run(*, run_id: int) -> ExportRun:
    """Builds a queued export (now, or in the worker): the package file and its report, or a failure.

    Safe to run twice: an export is claimed while it is unfinished, i.e. waiting, or left "running" by a
    worker killed midway (core/worker.py runs the task again once that worker's lease has expired). Its file
    has a name fixed by the run, so a re-run replaces what a killed one wrote instead of adding a second file;
    the run becomes "done" in the one UPDATE that records the file. A finished export is left alone.
    """
    from sinergi.exchange.models import ExportRun

    claimed = ExportRun.objects.filter(
        pk=run_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING]
    ).update(status=ExportStatus.RUNNING)
    run = ExportRun.objects.select_related("requested_by").get(pk=run_id)
    if not claimed:
        return run
    language = getattr(run.requested_by, "preferred_language", "") or "id"
    try:
        body, report = htcds_export(actor=run.requested_by, k=run.k, kind=run.kind)
    except PermissionDenied:
        with translation.override(language):
            _export_failed(run, _("You may no longer export this agency's cases."))
    except Exception:
        logger.exception("export %s failed", run_id)
        with translation.override(language):
            _export_failed(run, _("The export stopped because of an error on the server."))
    else:
        _package_save(run, body)
        _export_done(run, report)
    run.refresh_from_db()
    return run


def _package_save(run: ExportRun, body: bytes) -> None:
    stamp = run.created_at.strftime("%Y%m%d-%H%M%S")
    filename = f"sinergi-{run.kind}-{stamp}-{run.pk}.zip"
    # The storage would give a second file a new name beside a killed run's file; this run's own goes first.
    run.package.storage.delete(run.package.field.generate_filename(run, filename))
    run.package.save(filename, ContentFile(body), save=False)


def _export_done(run: ExportRun, report: dict[str, object]) -> None:
    from sinergi.exchange.models import ExportRun

    ExportRun.objects.filter(pk=run.pk).update(
        package=run.package.name, report=report, status=ExportStatus.DONE, finished_at=timezone.now()
    )


def _export_failed(run: ExportRun, message: str) -> None:
    from sinergi.exchange.models import ExportRun

    ExportRun.objects.filter(pk=run.pk).update(
        status=ExportStatus.FAILED, failure=str(message)[:300], finished_at=timezone.now()
    )


def export_given_up(*, run_id: int) -> None:
    """The worker gave the export's task up (its worker died every time): an unfinished export fails, saying
    so in its requester's language, as any failed export does; a finished one is left alone (safe twice)."""
    from sinergi.core.worker import given_up_reason
    from sinergi.exchange.models import ExportRun

    unfinished = ExportRun.objects.filter(pk=run_id, status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
    run = unfinished.select_related("requested_by").first()
    if run is None:
        return
    failed = unfinished.update(
        status=ExportStatus.FAILED,
        failure=given_up_reason(run.requested_by)[:300],
        finished_at=timezone.now(),
    )
    if failed:
        logger.warning("export %s failed: its task was given up", run_id)
