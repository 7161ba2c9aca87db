"""Every write of the portal: community reports, what reporters add, their passage into the case flow, and
the messages of the WhatsApp and SMS channels.

A report is first stored on its own (`report_submit`), so that nothing a person sends is lost whatever
happens next; `report_intake` then registers it as a case of the responsible agency, through the cases app's
own intake service and under that agency's portal intake account (routing.py), and clears the contact details
from the portal once the case holds them. Audit entries of the public's writes carry no client address: the
reporter stays anonymous even to someone reading the audit trail.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.core.errors import ApplicationError
from sinergi.core.middleware import request_context_cleared
from sinergi.portal import codes
from sinergi.portal.choices import ReportStatus
from sinergi.portal.images import CleanPhoto
from sinergi.portal.models import InboundMessage, OutboxMessage, Report, ReportAddition, ReportPhoto

if TYPE_CHECKING:
    from sinergi.cases.models import Case
    from sinergi.regions.models import Region

MAX_TEXT_CHARS = 5_000
MAX_SHORT_CHARS = 300


def _save_photos(report: Report, photos: list[CleanPhoto], addition: ReportAddition | None = None) -> None:
    for photo in photos:
        ReportPhoto.objects.create(
            report=report,
            addition=addition,
            file=ContentFile(photo.data, name=f"{photo.sha256[:32]}.{photo.extension}"),
            content_type=photo.content_type,
            size=len(photo.data),
            sha256=photo.sha256,
        )


def report_submit(
    *,
    channel: str,
    what_happened: str,
    where_text: str = "",
    region: Region | None = None,
    who: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    contact_email: str = "",
    photos: list[CleanPhoto] | None = None,
    submission_token: str = "",
) -> tuple[Report, str]:
    """Stores a community report and returns it with its tracking code (shown once, never stored in clear).

    The same form sent twice (`submission_token`) is refused with code "already_received".
    """
    text = (what_happened or "").strip()
    if not text:
        raise ApplicationError(
            _("Tell us what happened."), code="validation_error", fields={"what_happened": [_("Required.")]}
        )
    code = codes.new_code()
    digest = codes.code_hash(code)
    assert digest is not None  # a code just made is well formed
    report = Report(
        code_hash=digest,
        submission_hash=codes.token_hash(submission_token) if submission_token else None,
        channel=channel,
        what_happened=text[:MAX_TEXT_CHARS],
        where_text=(where_text or "").strip()[:MAX_SHORT_CHARS],
        region=region,
        who=(who or "").strip()[:MAX_TEXT_CHARS],
        contact_name=(contact_name or "").strip()[:MAX_SHORT_CHARS],
        contact_phone=(contact_phone or "").strip()[:40],
        contact_email=(contact_email or "").strip()[:MAX_SHORT_CHARS],
    )
    try:
        with transaction.atomic(durable=True):
            report.save()
            _save_photos(report, photos or [])
            audit_record(
                actor=None,
                action=AuditAction.CREATE,
                obj=report,
                summary=f"community report via {channel}",
                changes={"photos": len(photos or []), "region": region.pk if region is not None else None},
                ip_address="",
            )
            report_id = report.pk
            transaction.on_commit(lambda: _enqueue_intake(report_id))
    except IntegrityError as exc:
        if submission_token and Report.objects.filter(submission_hash=report.submission_hash).exists():
            raise ApplicationError(
                _("This report was already received. Its tracking code was shown when it was sent."),
                code="already_received",
            ) from exc
        raise
    return report, code


def _enqueue_intake(report_id: int) -> None:
    from sinergi.portal.tasks import intake_report

    intake_report.enqueue(report_id=report_id)


def report_by_code(code: str) -> Report | None:
    """The report a tracking code opens, or None (a wrong code and a missing report look the same)."""
    digest = codes.code_hash(code)
    if digest is None:
        return None
    return Report.objects.select_related("case").filter(code_hash=digest).first()


def report_status(report: Report) -> str:
    """The only thing about its case a reporter is told."""
    if report.case is None:
        return ReportStatus.RECEIVED
    from sinergi.cases.choices import CaseStatus

    return ReportStatus.CLOSED if report.case.status == CaseStatus.CLOSED else ReportStatus.IN_PROGRESS


def report_add_information(
    *, report: Report, text: str, photos: list[CleanPhoto] | None = None
) -> ReportAddition:
    """Adds what the reporter remembered later; it reaches the case as a note (and documents for photos)."""
    text = (text or "").strip()[:MAX_TEXT_CHARS]
    if not text and not photos:
        raise ApplicationError(
            _("Write the information to add, or attach a photo."),
            code="validation_error",
            fields={"text": [_("Required.")]},
        )
    if report_status(report) == ReportStatus.CLOSED:
        raise ApplicationError(
            _(
                "The handling of this report has finished. For something new, send a new report or call a hotline."
            ),
            code="case_closed",
        )
    with transaction.atomic(durable=True):
        addition = ReportAddition.objects.create(report=report, text=text)
        _save_photos(report, photos or [], addition)
        audit_record(
            actor=None,
            action=AuditAction.UPDATE,
            obj=report,
            summary="community report: information added",
            changes={"addition": addition.pk, "photos": len(photos or [])},
            ip_address="",
        )
        report_id = report.pk
        transaction.on_commit(lambda: _enqueue_intake(report_id))
    return addition


# --- into the case flow -----------------------------------------------------------------------------------


def _narrative(report: Report) -> str:
    with override("id"):
        parts = [
            f"[{report.reference}] "
            + _("Community report through the public portal (%(channel)s).")
            % {"channel": report.get_channel_display()}
        ]
        parts.append(_("What happened:") + "\n" + report.what_happened)
        where = report.region.path_name or report.region.name if report.region is not None else ""
        if report.where_text or where:
            parts.append(_("Where:") + " " + " / ".join(p for p in (report.where_text, where) if p))
        if report.who:
            parts.append(_("Who was involved:") + "\n" + report.who)
        if report.contact_email:
            parts.append(_("Reporter's e-mail:") + " " + report.contact_email)
    return "\n\n".join(parts)


def _reporter_party(report: Report) -> list[dict[str, object]]:
    from sinergi.cases.choices import PartyRole
    from sinergi.people.services import PersonData, PhoneInput

    if not (report.contact_name or report.contact_phone):
        return []
    with override("id"):
        name = report.contact_name or _("Portal reporter (no name given)")
    phones = [PhoneInput(number=report.contact_phone, label="portal")] if report.contact_phone else []
    return [{"new_person": PersonData(full_name=name[:200], phones=phones), "role": PartyRole.REPORTER}]


def report_intake(*, report_id: int) -> Report:
    """Registers a stored report as a case of the responsible agency, then passes on its photos and what the
    reporter added. Safe to run again: a report already registered (or whose case exists, after a crash
    between the two steps) is not registered twice."""
    from sinergi.cases.choices import IntakeChannel
    from sinergi.cases.models import Case
    from sinergi.cases.services import case_intake
    from sinergi.portal.routing import intake_actor, responsible_agency

    report = Report.objects.select_related("region", "case").get(pk=report_id)
    with request_context_cleared():
        if report.case is None:
            agency = responsible_agency(report.region)
            if agency is None:
                Report.objects.filter(pk=report.pk).update(
                    intake_attempts=report.intake_attempts + 1, intake_error="no_agency"
                )
                return report
            actor = intake_actor(agency)
            case = Case.objects.filter(
                created_by=actor, narrative__startswith=f"[{report.reference}]"
            ).first()
            if case is None:
                try:
                    case = case_intake(
                        actor=actor,
                        intake_channel=IntakeChannel.COMMUNITY,
                        narrative=_narrative(report),
                        origin_region=report.region,
                        parties=_reporter_party(report),
                    )
                except Exception as exc:
                    # The report stays waiting (status "received"); the reason is kept as a code for the
                    # operator, never the text.
                    code = getattr(exc, "code", None) or type(exc).__name__
                    Report.objects.filter(pk=report.pk).update(
                        intake_attempts=report.intake_attempts + 1, intake_error=str(code)[:60]
                    )
                    if isinstance(exc, ApplicationError | ValidationError):
                        return report
                    raise
            with transaction.atomic(durable=True):
                locked = Report.objects.select_for_update().get(pk=report.pk)
                locked.case = case
                locked.agency = agency
                locked.intake_at = timezone.now()
                locked.intake_attempts += 1
                locked.intake_error = ""
                # The case holds the contact details now (encrypted, behind the case's access rules).
                locked.contact_name = locked.contact_phone = locked.contact_email = ""
                locked.save(
                    update_fields=[
                        "case",
                        "agency",
                        "intake_at",
                        "intake_attempts",
                        "intake_error",
                        "contact_name",
                        "contact_phone",
                        "contact_email",
                    ]
                )
                audit_record(
                    actor=actor,
                    action=AuditAction.UPDATE,
                    obj=locked,
                    summary="community report registered as a case",
                    changes={"case": case.pk, "agency": agency.pk},
                )
            report = locked
        _forward(report)
    return report


def _forward(report: Report) -> None:
    """Photos become case documents and additions case notes, each once; the portal's copy of a photo is
    deleted once the case holds it.

    The case's services commit the note or document on their own, before the portal marks the addition or
    photo forwarded; a worker killed in between leaves the record written and the mark missing. The re-run
    finds such a record (like report_intake finds its case) and only sets the mark."""
    from sinergi.cases.services import document_upload, note_add
    from sinergi.portal.routing import intake_actor

    case = report.case
    assert case is not None  # report_intake forwards only a report registered as a case
    actor = intake_actor(case.lead_agency)
    with override("id"):
        for addition in report.additions.filter(forwarded_at__isnull=True):
            text = _("Information added by the reporter through the portal:") + "\n" + addition.text
            if addition.text and not _note_already_written(report, addition, text=text):
                note_add(actor=actor, case=case, text=text)
            _addition_forwarded(addition)
        for photo in report.photos.filter(forwarded_at__isnull=True):
            stored_name = photo.file.name
            assert stored_name  # a photo keeps its file until it is marked forwarded
            name = stored_name.rsplit("/", 1)[-1]
            if not _document_already_written(case, photo, name=name):
                with photo.file.open("rb") as handle:
                    data = handle.read()
                document_upload(
                    actor=actor,
                    case=case,
                    title=_("Photo from the reporter (portal)"),
                    uploaded_file=SimpleUploadedFile(name, data, content_type=photo.content_type),
                )
            _photo_forwarded(photo)


def _note_already_written(report: Report, addition: ReportAddition, *, text: str) -> bool:
    """Whether a killed run wrote this addition's note: the case has more notes of its text than additions
    of the same words are marked forwarded (a reporter may well send the same words twice)."""
    from sinergi.cases.models import Note

    if report.case_id is None:  # not registered as a case yet: nothing can have been forwarded
        return False
    notes = Note.objects.filter(case_id=report.case_id, text=text.strip()).count()
    forwarded = report.additions.filter(forwarded_at__isnull=False, text=addition.text).count()
    return notes > forwarded


def _document_already_written(case: Case, photo: ReportPhoto, *, name: str) -> bool:
    """Whether a killed run stored this photo on the case: a document of its file's name (the photo's hash,
    unique in the portal's storage) added since the photo arrived."""
    from sinergi.cases.models import Document

    return Document.objects.filter(case=case, original_name=name, uploaded_at__gte=photo.created_at).exists()


def _addition_forwarded(addition: ReportAddition) -> None:
    ReportAddition.objects.filter(pk=addition.pk).update(forwarded_at=timezone.now())


def _photo_forwarded(photo: ReportPhoto) -> None:
    # The file goes before the mark: a re-run after a kill between the two finds the document by its name and
    # never opens the file; the other order could leave a copy of the photo in the portal for good.
    photo.file.delete(save=False)
    ReportPhoto.objects.filter(pk=photo.pk).update(forwarded_at=timezone.now(), file="")


# --- messaging channels -------------------------------------------------------------------------------------


def message_seen(*, channel: str, message_id: str) -> bool:
    """Records a gateway's message id; True when it was already recorded (a retried delivery)."""
    digest = hashlib.sha256(f"{channel}:{message_id}".encode()).hexdigest()
    try:
        with transaction.atomic(durable=True):
            InboundMessage.objects.create(channel=channel, message_hash=digest)
    except IntegrityError:
        return True
    return False


def outbox_queue(*, channel: str, recipient: str, body: str) -> OutboxMessage:
    """Queues a reply for the gateway; the sender task delivers it after commit."""
    with transaction.atomic(durable=True):
        message = OutboxMessage.objects.create(channel=channel, recipient=recipient, body=body[:4096])
    return message
