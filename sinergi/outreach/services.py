"""Writes of the outreach app: events and their attendance lists, each audited in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sinergi.agencies.models import Agency, User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError
from sinergi.core.uploads import archive_message
from sinergi.outreach import attendance
from sinergi.outreach.choices import PARTICIPANT_FIELDS, Audience
from sinergi.outreach.models import Attendee, OutreachEvent, can_plan_outreach
from sinergi.regions.choices import RegionLevel
from sinergi.regions.models import Region


@dataclass
class EventData:
    title: str
    held_on: date
    region_code: str
    audiences: list[str]
    participants: dict[str, int]  # field name (PARTICIPANT_FIELDS) -> count
    materials: str = ""
    follow_up: str = ""
    partner_agency_ids: list[int] | None = None


def _region(code: str) -> Region:
    region = Region.objects.filter(code=(code or "").strip()).first()
    if region is None:
        raise ApplicationError(
            _("Region code %(code)s does not exist.") % {"code": (code or "")[:20]},
            code="unknown_region",
            fields={"region": [_("Choose a village or district from the list.")]},
        )
    if region.level not in (RegionLevel.DISTRICT, RegionLevel.VILLAGE):
        raise ApplicationError(
            _("Outreach happens in a village or a district: %(name)s is neither.") % {"name": region.name},
            code="region_level",
            fields={"region": [_("Choose a village or district.")]},
        )
    return region


def _check(data: EventData) -> dict[str, int]:
    if not data.title.strip():
        raise ApplicationError(_("Give the event a title."), code="missing_title")
    unknown = set(data.audiences) - set(Audience.values)
    if unknown:
        raise ApplicationError(_("Unknown audience."), code="unknown_audience")
    counts = {}
    for field, _sex, _age in PARTICIPANT_FIELDS:
        value = data.participants.get(field) or 0
        if not isinstance(value, int) or value < 0 or value > 100_000:
            raise ApplicationError(_("Participant counts are whole numbers from 0."), code="bad_count")
        counts[field] = value
    if data.held_on > timezone.localdate() and any(counts.values()):
        raise ApplicationError(
            _("The event on %(date)s has not happened yet: record participants after it is held.")
            % {"date": data.held_on.isoformat()},
            code="future_participants",
            fields={"held_on": [_("A planned event has no participants yet.")]},
        )
    return counts


def _partners(data: EventData, actor: User) -> list[Agency]:
    ids = set(data.partner_agency_ids or []) - {actor.agency_id}
    partners = list(Agency.objects.filter(pk__in=ids, is_active=True))
    if len(partners) != len(ids):
        raise ApplicationError(_("A partner agency does not exist."), code="unknown_agency")
    return partners


def _apply(event: OutreachEvent, data: EventData, region: Region, counts: dict[str, int]) -> None:
    event.title = data.title.strip()
    event.held_on = data.held_on
    event.region = region
    event.audiences = sorted(set(data.audiences))
    event.materials = data.materials.strip()
    event.follow_up = data.follow_up.strip()
    for field, value in counts.items():
        setattr(event, field, value)
    event.participants_total = sum(counts.values())


def _require_planner(actor: User) -> None:
    if not can_plan_outreach(actor):
        raise ApplicationError(_("You may not plan outreach."), code="forbidden", status=403)


def outreach_event_create(*, actor: User, data: EventData) -> OutreachEvent:
    """Plans (a future date) or records (a past one) an outreach event of the actor's agency."""
    _require_planner(actor)
    region = _region(data.region_code)
    counts = _check(data)
    agency_id = actor.agency_id
    assert agency_id is not None  # _require_planner: only a member of an agency plans outreach
    with transaction.atomic(durable=True):
        partners = _partners(data, actor)
        event = OutreachEvent(agency_id=agency_id, created_by=actor)
        _apply(event, data, region, counts)
        event.full_clean()
        event.save()
        event.partner_agencies.set(partners)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=event,
            summary=f"outreach event in {region.code} on {event.held_on.isoformat()}",
            changes={"region": region.code, "participants": event.participants_total},
        )
    return event


def outreach_event_update(*, actor: User, event_id: int, data: EventData) -> OutreachEvent:
    """Changes an event of the actor's agency (for instance: records the participants once it is held)."""
    _require_planner(actor)
    region = _region(data.region_code)
    counts = _check(data)
    with transaction.atomic(durable=True):
        event = (
            OutreachEvent.objects.restrict(actor, "change").select_for_update().filter(pk=event_id).first()
        )
        if event is None:
            raise ApplicationError(_("Outreach event not found."), code="not_found", status=404)
        partners = _partners(data, actor)
        _apply(event, data, region, counts)
        event.updated_at = timezone.now()
        event.full_clean()
        event.save()
        event.partner_agencies.set(partners)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=event,
            summary=f"outreach event {event.pk} updated",
            changes={"region": region.code, "participants": event.participants_total},
        )
    return event


ROW_PROBLEMS = {
    "missing_name": lambda error: _("line %(line)s: the name is empty") % {"line": error.line},
    "bad_sex": lambda error: (
        _("line %(line)s: sex %(value)s is not L/P (or M/F)")
        % {"line": error.line, "value": repr(error.value)}
    ),
    "bad_age": lambda error: (
        _("line %(line)s: age %(value)s is neither a number of years nor a group")
        % {"line": error.line, "value": repr(error.value)}
    ),
    "too_long": lambda error: _("line %(line)s: a value is too long") % {"line": error.line},
}


def _file_problem(code: str) -> str:
    return {
        "too_big": _("The file is larger than 5 MB."),
        "bad_xlsx": _("The file is not a readable XLSX workbook."),
        "not_utf8": _("The CSV file is not UTF-8 text."),
        "binary": _("The CSV file is not text."),
        "bad_type": _("Upload a .csv or .xlsx file."),
        "empty": _("The file has no attendees."),
        "missing_columns": _("The first row must name the columns nama, jenis_kelamin and umur."),
        "too_many_rows": _("The file has more than 5,000 rows."),
    }[code]


def attendance_import(*, actor: User, event_id: int, name: str, data: bytes) -> int:
    """Adds the attendees of a CSV/XLSX list to an event: every row, or none with every broken row named."""
    _require_planner(actor)
    event = OutreachEvent.objects.restrict(actor, "change").filter(pk=event_id).first()
    if event is None:
        raise ApplicationError(_("Outreach event not found."), code="not_found", status=404)
    if event.is_planned:
        raise ApplicationError(
            _("The event has not happened yet: import its attendance list after it is held."),
            code="future_attendance",
        )
    try:
        rows, errors = attendance.read_attendance(name, data)
    except attendance.UnreadableFile as exc:
        message = archive_message(exc.reason) if exc.code == "archive" else _file_problem(exc.code)
        raise ApplicationError(message, code="unreadable_file") from exc
    if errors:
        shown = [ROW_PROBLEMS[error.problem](error) for error in errors[:20]]
        message = ngettext(
            "%(count)d row is broken; nothing was imported: %(rows)s",
            "%(count)d rows are broken; nothing was imported: %(rows)s",
            len(errors),
        ) % {"count": len(errors), "rows": "; ".join(shown)}
        raise ApplicationError(message, code="broken_rows")
    with transaction.atomic(durable=True):
        Attendee.objects.bulk_create(
            Attendee(
                event_id=event.pk,
                full_name=row.full_name,
                sex=row.sex,
                age_group=row.age_group,
                village=row.village,
                organisation=row.organisation,
            )
            for row in rows
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=event,
            summary=f"attendance list of {len(rows)} imported into outreach event {event.pk}",
            changes={"attendees": len(rows)},
        )
    return len(rows)
