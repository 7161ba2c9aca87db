"""Writes of a spreadsheet import: upload, column mapping, preview (a dry run), commit, discard.

The preview reports, row by row, what the commit will do from the commit's own code: new people through the
people service's bulk check (its validation and lookups, no write), the other rows through their service in a
transaction that is then rolled back. The commit runs the same code in one durable transaction, writing: a
refusal, a crash or a killed worker leaves nothing behind. A file of more than SYNC_ROWS rows runs in the
background worker; the page polls its progress. See docs/decisions/0008-spreadsheet-import.md.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.bulk import bulk_insert, new_instance
from sinergi.core.errors import ApplicationError
from sinergi.exchange.choices import ImportStatus, RowOutcome
from sinergi.exchange.imports import access
from sinergi.exchange.imports.appliers import APPLIERS, BULK_APPLIERS, SERVICE_FIELDS
from sinergi.exchange.imports.messages import cell_message, file_message
from sinergi.exchange.imports.reader import FileRefused, Sheet, Workbook, is_blank, read_workbook
from sinergi.exchange.imports.rows import ParsedRow, parse_row
from sinergi.exchange.imports.schema import (
    RecordType,
    auto_mapping,
    column,
    columns_of,
    header_key,
    header_score,
)
from sinergi.exchange.models import ImportBatch, ImportedRecord, ImportMapping, ImportRowResult

if TYPE_CHECKING:
    from sinergi.exchange.imports.appliers import RowResult
    from sinergi.regions.models import Region

logger = logging.getLogger(__name__)

SYNC_ROWS = 300
PREVIEW_CHUNK = 2000
HEADER_SEARCH_ROWS = 15
# A running import whose worker has not reported for this long was interrupted (its transaction is gone).
STALE_AFTER = timedelta(minutes=10)
_KEY_QUERY_CHUNK = 500


def _refused(exc: FileRefused) -> ApplicationError:
    return ApplicationError(file_message(exc.code, exc.params), code=f"import_{exc.code}")


def _batch_for(actor: User, batch_id: int, action: str = "change") -> ImportBatch:
    batch = ImportBatch.objects.restrict(actor, action).filter(pk=batch_id).first()
    if batch is None:
        raise Http404
    return batch


@dataclass
class Layout:
    """Where the data sits in a sheet: the header row (0-based index into sheet.rows) and the column names."""

    sheet: Sheet
    header_index: int
    headers: list[str] = field(default_factory=list)


def find_layout(
    workbook: Workbook, record_type: str, *, sheet_name: str = "", saved: dict[str, str] | None = None
) -> Layout:
    """The sheet to read (the one asked for, else the visible sheet whose header names most fields) and its
    header: the row among the first ones that names most fields. An empty header cell takes the name above it
    (a header of two rows: "Identitas" over "NIK" and "Tgl lahir")."""
    saved_names = set(saved or {})
    candidates = [s for s in workbook.visible if not sheet_name or s.name == sheet_name]
    if not candidates:
        raise FileRefused("no_visible_sheet")
    best: tuple[int, Sheet, int] | None = None
    for sheet in candidates:
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            score = header_score(record_type, row) + sum(
                1 for cell in row if isinstance(cell, str) and header_key(cell) in saved_names
            )
            if score and (best is None or score > best[0]):
                best = (score, sheet, index)
    if best is None:
        best = _plain_header(candidates)
    if best is None:
        raise FileRefused("no_header")
    _score, sheet, index = best
    width = max((len(r) for r in sheet.rows[: index + 1]), default=0)
    headers = []
    for position in range(width):
        name = ""
        for above in range(index, max(-1, index - 3), -1):
            row = sheet.rows[above]
            if position < len(row) and not is_blank(row[position]):
                name = str(row[position]).strip()
                break
        headers.append(name)
    return Layout(sheet=sheet, header_index=index, headers=headers)


def _looks_like_a_name(cell: object) -> bool:
    text = str(cell).strip()
    return (
        isinstance(cell, str)
        and bool(text)
        and not any(ch.isdigit() for ch in text.replace(" ", "")[:1])
        and not text.replace(".", "").replace("-", "").replace("/", "").isdigit()
    )


def _plain_header(candidates: list[Sheet]) -> tuple[int, Sheet, int] | None:
    """A header of names the import does not know (to be mapped by hand): the first non-empty row, if every
    cell of it is a name rather than a value (a row "Siti, 6371015001900001" is data, so there is no header)."""
    for sheet in candidates:
        for index, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
            filled = [c for c in row if not is_blank(c)]
            if not filled:
                continue
            if all(_looks_like_a_name(c) for c in filled) and len(sheet.rows) > index + 1:
                return (0, sheet, index)
            break
    return None


def _saved_mapping(agency_id: int, record_type: str) -> dict[str, str]:
    saved = ImportMapping.objects.filter(agency_id=agency_id, record_type=record_type).first()
    return dict(saved.mapping) if saved else {}


def import_upload(*, actor: User, record_type: str, name: str, data: bytes) -> ImportBatch:
    """Reads an uploaded spreadsheet and keeps it for mapping: the sheet and header are found, the columns mapped
    from the agency's saved mapping and the field names. A file that cannot be read is refused, nothing kept."""
    if record_type not in RecordType.values or not access.may_import(actor, record_type):
        raise PermissionDenied
    agency_id = actor.agency_id
    assert agency_id is not None  # may_import: only a member of an agency imports
    try:
        workbook = read_workbook(name, data)
        saved = _saved_mapping(agency_id, record_type)
        layout = find_layout(workbook, record_type, saved=saved)
    except FileRefused as exc:
        raise _refused(exc) from exc
    if not _data_rows(layout):
        raise _refused(FileRefused("no_rows"))
    mapping = auto_mapping(record_type, layout.headers, saved)
    with transaction.atomic(durable=True):
        batch = ImportBatch(
            agency=actor.agency,
            created_by=actor,
            record_type=record_type,
            filename=(name or "import")[-255:],
            file_sha256=hashlib.sha256(data).hexdigest(),
            file_size=len(data),
            sheets=[{"name": s.name, "hidden": s.hidden} for s in workbook.sheets],
            sheet_name=layout.sheet.name,
            header_row=layout.sheet.first_row + layout.header_index + 1,
            headers=layout.headers,
            total_rows=len(_data_rows(layout)),
            mapping={str(k): v for k, v in mapping.items()},
        )
        batch.full_clean(exclude=["upload"])
        batch.save()
        batch.upload.save("upload", ContentFile(data), save=True)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=batch,
            summary=f"import uploaded: {record_type}",
            changes={"record_type": record_type, "sheet_count": len(workbook.sheets), "size": len(data)},
        )
    return batch


def _load(batch: ImportBatch) -> tuple[Workbook, Layout]:
    with batch.upload.open("rb") as handle:
        data = handle.read()
    workbook = read_workbook(batch.filename, data)
    return workbook, find_layout(
        workbook,
        batch.record_type,
        sheet_name=batch.sheet_name,
        saved=_saved_mapping(batch.agency_id, batch.record_type),
    )


def import_sheet_choose(*, actor: User, batch_id: int, sheet_name: str) -> ImportBatch:
    """Reads another visible sheet of the workbook: its header and automatic mapping replace the current ones."""
    batch = _batch_for(actor, batch_id)
    if (
        batch.status not in (ImportStatus.MAPPING, ImportStatus.PREVIEWED, ImportStatus.FAILED)
        or not batch.upload
    ):
        raise ApplicationError(_("This import can no longer be changed."), code="import_closed")
    with batch.upload.open("rb") as handle:
        workbook = read_workbook(batch.filename, handle.read())
    saved = _saved_mapping(batch.agency_id, batch.record_type)
    try:
        layout = find_layout(workbook, batch.record_type, sheet_name=sheet_name, saved=saved)
    except FileRefused as exc:
        raise _refused(exc) from exc
    with transaction.atomic(durable=True):
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        batch.sheet_name = layout.sheet.name
        batch.header_row = layout.sheet.first_row + layout.header_index + 1
        batch.headers = layout.headers
        batch.total_rows = len(_data_rows(layout))
        batch.mapping = {str(k): v for k, v in auto_mapping(batch.record_type, layout.headers, saved).items()}
        batch.status = ImportStatus.MAPPING
        batch.save(update_fields=["sheet_name", "header_row", "headers", "total_rows", "mapping", "status"])
    return batch


def import_mapping_set(
    *, actor: User, batch_id: int, mapping: dict[int, str], save_for_agency: bool = True
) -> ImportBatch:
    """Sets which column holds which field. Refused when a field is chosen for two columns or a required field
    for none. Saved for the agency, the mapping is proposed again for its next file of the same kind."""
    batch = _batch_for(actor, batch_id)
    if batch.status not in (ImportStatus.MAPPING, ImportStatus.PREVIEWED, ImportStatus.FAILED):
        raise ApplicationError(_("This import can no longer be changed."), code="import_closed")
    errors: dict[str, list[str]] = {}
    seen: dict[str, int] = {}
    clean: dict[int, str] = {}
    for position, key in sorted(mapping.items()):
        if not key:
            continue
        col = column(batch.record_type, key)
        if col is None or not 0 <= position < len(batch.headers):
            errors.setdefault(f"column_{position}", []).append(_("Choose a field from the list."))
            continue
        if key in seen:
            errors.setdefault(f"column_{position}", []).append(
                _(
                    "%(field)s is already chosen for column %(other)s; each field can come from one column only."
                )
                % {"field": col.label, "other": _column_name(batch, seen[key])}
            )
            continue
        seen[key] = position
        clean[position] = key
    missing = [str(c.label) for c in columns_of(batch.record_type) if c.required and c.key not in seen]
    if missing:
        errors.setdefault("__all__", []).append(
            _("Choose a column for every required field: %(fields)s.") % {"fields": ", ".join(missing)}
        )
    if errors:
        raise ApplicationError(_("The column mapping is not complete."), code="import_mapping", fields=errors)
    with transaction.atomic(durable=True):
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        batch.mapping = {str(k): v for k, v in clean.items()}
        batch.status = ImportStatus.MAPPING
        batch.save(update_fields=["mapping", "status"])
        if save_for_agency:
            names = {
                header_key(batch.headers[p]): k for p, k in clean.items() if header_key(batch.headers[p])
            }
            ImportMapping.objects.update_or_create(
                agency_id=batch.agency_id,
                record_type=batch.record_type,
                defaults={"mapping": names, "updated_by": actor, "updated_at": timezone.now()},
            )
    return batch


def _column_name(batch: ImportBatch, position: int) -> str:
    letters = ""
    n = position + 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    header = batch.headers[position] if position < len(batch.headers) else ""
    return f"{letters} ({header})" if header else letters


def is_stale(batch: ImportBatch) -> bool:
    beat = batch.heartbeat_at or batch.created_at
    return batch.running and beat < timezone.now() - STALE_AFTER


def import_start(*, actor: User, batch_id: int, commit: bool) -> ImportBatch:
    """Starts the preview (`commit=False`) or, after a preview, the commit: now for a small file, in the
    background worker for a large one. An interrupted run can be started again (nothing of it was kept)."""
    from sinergi.exchange.imports.tasks import run_import

    batch = _batch_for(actor, batch_id)
    if not access.may_import(actor, batch.record_type):
        raise PermissionDenied
    allowed: list[str] = (
        [ImportStatus.PREVIEWED]
        if commit
        else [ImportStatus.MAPPING, ImportStatus.PREVIEWED, ImportStatus.FAILED]
    )
    if is_stale(batch):
        allowed.append(batch.status)
    if not batch.mapping or not batch.upload:
        raise ApplicationError(_("Map the columns first."), code="import_mapping")
    target = ImportStatus.COMMITTING if commit else ImportStatus.PREVIEWING
    claimed = ImportBatch.objects.filter(pk=batch.pk, status__in=allowed).update(
        status=target, done_rows=0, failure="", heartbeat_at=timezone.now()
    )
    if not claimed:
        if commit and batch.status != ImportStatus.PREVIEWED:
            raise ApplicationError(_("Check the rows (preview) before saving."), code="import_not_previewed")
        raise ApplicationError(_("This import is already running or finished."), code="import_busy")
    if batch.total_rows and batch.total_rows <= SYNC_ROWS:
        import_run(batch_id=batch.pk)
    else:
        run_import.enqueue(batch_id=batch.pk)
    batch.refresh_from_db()
    return batch


def import_discard(*, actor: User, batch_id: int) -> ImportBatch:
    """Cancels an import that was not saved and removes its file."""
    batch = _batch_for(actor, batch_id)
    if batch.status == ImportStatus.COMMITTED or (batch.running and not is_stale(batch)):
        raise ApplicationError(_("This import is running or already saved."), code="import_busy")
    with transaction.atomic(durable=True):
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.DISCARDED)
        audit_record(actor=actor, action=AuditAction.DELETE, obj=batch, summary="import cancelled")
    _remove_file(batch)
    batch.refresh_from_db()
    return batch


def _remove_file(batch: ImportBatch) -> None:
    with contextlib.suppress(OSError, ValueError):
        batch.upload.delete(save=False)
    ImportBatch.objects.filter(pk=batch.pk).update(upload="")


# --- the run -------------------------------------------------------------------------------------------------


@dataclass
class _Row:
    parsed: ParsedRow
    key: str
    outcome: str = ""
    messages: list[str] = field(default_factory=list)
    object_type: str = ""
    object_id: str = ""


def _data_rows(layout: Layout) -> list[tuple[int, list[Any]]]:
    """(row number as Excel shows it, cells) of every non-empty row under the header."""
    start = layout.header_index + 1
    return [
        (layout.sheet.first_row + index + 1, row)
        for index, row in enumerate(layout.sheet.rows[start:], start=start)
        if not all(is_blank(v) for v in row)
    ]


def _plan(batch: ImportBatch, rows: list[tuple[int, list[Any]]]) -> list[_Row]:
    """Parses every row and finds, before anything is written, what is wrong in the file itself: bad cells,
    rows repeated inside the file, rows already imported from an earlier file."""
    mapping = {int(k): v for k, v in batch.mapping.items()}
    regions: dict[str, Region | None] = {}
    planned: list[_Row] = []
    by_key: dict[str, int] = {}
    by_nik: dict[str, int] = {}
    for number, cells in rows:
        parsed = parse_row(batch.record_type, number, cells, mapping, regions)
        item = _Row(parsed=parsed, key=parsed.key(batch.record_type))
        planned.append(item)
        if parsed.errors:
            item.outcome, item.messages = RowOutcome.REJECTED, parsed.errors
            continue
        if item.key in by_key:
            item.outcome = RowOutcome.REJECTED
            item.messages = [cell_message("duplicate_row", {"row": by_key[item.key]})]
            continue
        by_key[item.key] = number
        nik = parsed.values.get("nik") if batch.record_type == RecordType.PEOPLE else ""
        if nik:
            if nik in by_nik:
                item.outcome = RowOutcome.REJECTED
                item.messages = [cell_message("duplicate_nik", {"row": by_nik[nik]})]
                continue
            by_nik[nik] = number
    pending = [item for item in planned if not item.outcome]
    for start in range(0, len(pending), _KEY_QUERY_CHUNK):
        chunk = {item.key: item for item in pending[start : start + _KEY_QUERY_CHUNK]}
        known = ImportedRecord.objects.filter(
            agency_id=batch.agency_id, record_type=batch.record_type, row_key__in=list(chunk)
        ).values_list("row_key", "filename", "row_number")
        for key, filename, row_number in known:
            chunk[key].outcome = RowOutcome.UNCHANGED
            chunk[key].messages = [
                _("Already imported from %(file)s, row %(row)s.") % {"file": filename, "row": row_number}
            ]
    return planned


def _service_messages(batch: ImportBatch, exc: Exception) -> list[str]:
    names = SERVICE_FIELDS[batch.record_type]

    def label(field_name: str) -> str:
        # An item of a list is named by its path (`phones.0.number`); the column is the list's.
        key = names.get(field_name.split(".", 1)[0])
        col = column(batch.record_type, key) if key else None
        return str(col.label) if col else ""

    fields: dict[str, list[str]] = {}
    message = ""
    if isinstance(exc, ValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    elif isinstance(exc, ApplicationError):
        message, fields = str(exc.message), exc.fields or {}
    out = [message] if message else []
    for field_name, messages in fields.items():
        prefix = label(field_name)
        for text in messages:
            out.append(f"{prefix}: {text}" if prefix else str(text))
    return out or [_("The row was refused.")]


def _apply(batch: ImportBatch, actor: User, items: list[_Row], *, write: bool) -> None:
    """Writes the rows through the services, each in a savepoint so that a refused row leaves nothing; the
    provenance of what was written is recorded with it. With `write=False` (the preview, whose transaction is
    rolled back) a record type with a bulk service only checks its new rows, and no provenance is written."""
    todo = [item for item in items if not item.outcome]
    bulk = BULK_APPLIERS.get(batch.record_type)
    if bulk is not None:
        try:
            results: list[RowResult] = bulk(actor, [item.parsed.values for item in todo], write=write)
        except (ApplicationError, PermissionDenied) as exc:
            # Refused for the whole file (the actor's role): every row says so.
            results = [exc] * len(todo)
    else:
        results = [_apply_one(batch, actor, item) for item in todo]
    records = []
    now = timezone.now()
    for item, result in zip(todo, results, strict=True):
        if isinstance(result, PermissionDenied):
            item.outcome, item.messages = RowOutcome.REJECTED, [_("Your role does not allow recording this.")]
            continue
        if isinstance(result, ValidationError | ApplicationError):
            item.outcome, item.messages = RowOutcome.REJECTED, _service_messages(batch, result)
            continue
        outcome, obj = result
        item.outcome = outcome
        if write:
            records.append(
                new_instance(
                    ImportedRecord,
                    agency_id=batch.agency_id,
                    record_type=batch.record_type,
                    row_key=item.key,
                    batch_id=batch.pk,
                    object_type=obj._meta.label_lower,
                    object_id=str(obj.pk),
                    filename=batch.filename,
                    sheet_name=batch.sheet_name,
                    row_number=item.parsed.number,
                    created_at=now,
                )
            )
    bulk_insert(records)


def _apply_one(batch: ImportBatch, actor: User, item: _Row) -> RowResult:
    """One row through its applier in a savepoint: (outcome, record), or the refusal (nothing left of it)."""
    try:
        with transaction.atomic():
            return APPLIERS[batch.record_type](actor, item.parsed.values)
    except (ValidationError, ApplicationError, PermissionDenied) as exc:
        return exc


def _progress(batch_id: int, done: int) -> None:
    ImportBatch.objects.filter(pk=batch_id).update(done_rows=done, heartbeat_at=timezone.now())


class _DryRun(Exception):
    """Raised to roll the preview's transaction back."""


def import_run(*, batch_id: int) -> ImportBatch | None:
    """The run of a claimed batch (by import_start, or the worker): a preview or the commit."""
    batch = ImportBatch.objects.select_related("created_by", "agency").filter(pk=batch_id).first()
    if batch is None or not batch.running:
        return batch
    commit = batch.status == ImportStatus.COMMITTING
    actor = batch.created_by
    language = getattr(actor, "preferred_language", "") or "id"
    try:
        with translation.override(language):
            _workbook, layout = _load(batch)
            rows = _data_rows(layout)
            ImportBatch.objects.filter(pk=batch.pk).update(total_rows=len(rows), heartbeat_at=timezone.now())
            planned = _plan(batch, rows)
            if commit:
                _commit(batch, actor, planned)
            else:
                for start in range(0, len(planned), PREVIEW_CHUNK):
                    chunk = planned[start : start + PREVIEW_CHUNK]
                    with contextlib.suppress(_DryRun), transaction.atomic():
                        _apply(batch, actor, chunk, write=False)
                        raise _DryRun
                    _progress(batch.pk, start + len(chunk))
                _finish(batch, planned, ImportStatus.PREVIEWED)
    except FileRefused as exc:
        _fail(batch, file_message(exc.code, exc.params))
    except IntegrityError:
        logger.warning("import %s: rows imported concurrently", batch_id)
        with translation.override(language):
            _fail(
                batch,
                _("Someone imported some of these rows at the same time. Nothing was saved; run it again."),
            )
    except Exception:
        logger.exception("import %s failed", batch_id)
        with translation.override(language):
            _fail(batch, _("The import stopped because of an error on the server. Nothing was saved."))
    batch.refresh_from_db()
    return batch


def _commit(batch: ImportBatch, actor: User, planned: list[_Row]) -> None:
    with transaction.atomic(durable=True):
        _apply(batch, actor, planned, write=True)
        counts = _counts(planned)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=batch,
            summary=f"import committed: {batch.record_type}",
            changes={"counts": counts, "sheet": batch.sheet_name},
        )
        _finish(batch, planned, ImportStatus.COMMITTED)
    _remove_file(batch)


def _counts(planned: list[_Row]) -> dict[str, int]:
    counts = dict.fromkeys(RowOutcome.values, 0)
    for item in planned:
        counts[item.outcome] += 1
    return counts


def _finish(batch: ImportBatch, planned: list[_Row], status: str) -> None:
    _store_row_results(batch, planned)
    now = timezone.now()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=status,
        counts=_counts(planned),
        total_rows=len(planned),
        done_rows=len(planned),
        heartbeat_at=now,
        **({"committed_at": now} if status == ImportStatus.COMMITTED else {}),
    )


def _store_row_results(batch: ImportBatch, planned: list[_Row]) -> None:
    """Replaces the batch's row results by `planned`'s, writing only the rows that differ: the commit of a file
    mostly confirms its preview, and rewriting 100,000 identical rows cost a fifth of the commit."""
    wanted = {i.parsed.number: (i.outcome, list(map(str, i.messages))) for i in planned}
    stored = {
        number: (outcome, messages)
        for number, outcome, messages in ImportRowResult.objects.filter(batch_id=batch.pk).values_list(
            "row_number", "outcome", "messages"
        )
    }
    stale = sorted(number for number, result in stored.items() if wanted.get(number) != result)
    for start in range(0, len(stale), 1000):
        ImportRowResult.objects.filter(batch_id=batch.pk, row_number__in=stale[start : start + 1000]).delete()
    bulk_insert(
        [
            new_instance(
                ImportRowResult, batch_id=batch.pk, row_number=number, outcome=outcome, messages=messages
            )
            for number, (outcome, messages) in wanted.items()
            if stored.get(number) != (outcome, messages)
        ]
    )


def _fail(batch: ImportBatch, message: str) -> None:
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportStatus.FAILED, failure=str(message)[:500], heartbeat_at=timezone.now()
    )


def import_given_up(*, batch_id: int) -> None:
    """The worker gave the import's task up (its worker died every time): a preview or commit still running
    fails, saying so in its uploader's language, as any failed run does. The commit is one transaction, so
    nothing of it was saved, and the file is kept for a new preview; a finished batch is left alone."""
    from sinergi.core.worker import given_up_reason

    running = ImportBatch.objects.filter(
        pk=batch_id, status__in=[ImportStatus.PREVIEWING, ImportStatus.COMMITTING]
    )
    batch = running.select_related("created_by").first()
    if batch is None:
        return
    failed = running.update(
        status=ImportStatus.FAILED,
        failure=given_up_reason(batch.created_by)[:500],
        heartbeat_at=timezone.now(),
    )
    if failed:
        logger.warning("import %s failed: its task was given up", batch_id)
