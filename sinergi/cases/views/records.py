"""What hangs on a case: notes, tasks, documents, parties, consent, organisations, the route, assignment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases import services
from sinergi.cases.choices import (
    PartyRole,
)
from sinergi.cases.forms import (
    AssignForm,
    ConsentForm,
    DocumentForm,
    NoteForm,
    OptionalNoteForm,
    OrganisationForm,
    PartyForm,
    RouteEventForm,
    ShareOverrideForm,
    TaskForm,
    VictimStatusForm,
)
from sinergi.cases.notifications import agency_handlers
from sinergi.cases.views._actions import _run
from sinergi.cases.views._shared import _agency_from, _case_url, _safe_next, _view_for
from sinergi.cases.views.intake_form import _person_choice
from sinergi.core.errors import ApplicationError


@login_required
@require_POST
def note_add(request, case_id: int):
    view = _view_for(request, case_id)
    form = NoteForm(request.POST, sensitivities=view.sensitivities, prefix="note")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.note_add(
            actor=request.user, case=view.case, text=d["text"], sensitivity=d["sensitivity"]
        ),
        success=_("Note added."),
        anchor="notes",
    )


@login_required
@require_POST
def task_create(request, case_id: int):
    view = _view_for(request, case_id)
    owners = list(agency_handlers(request.user.agency_id)) if request.user.agency_id else []
    form = TaskForm(request.POST, owners=owners, prefix="task")

    def call(data):
        owner = next((u for u in owners if str(u.pk) == data["owner"]), None)
        if owner is None:
            raise ApplicationError(_("Give the task to someone in your own agency."), code="validation_error")
        services.task_create(
            actor=request.user, case=view.case, title=data["title"], owner=owner, due_at=data["due_at"]
        )

    return _run(request, view, form=form, call=call, success=_("Task created."), anchor="tasks")


@login_required
@require_POST
def task_complete(request, case_id: int, task_id: int):
    view = _view_for(request, case_id)
    task = view.tasks().filter(pk=task_id).first()
    if task is None:
        raise Http404
    return _run(
        request,
        view,
        form=OptionalNoteForm(request.POST),
        call=lambda d: services.task_complete(actor=request.user, task=task),
        success=_("Task completed."),
        redirect_to=_safe_next(request, _case_url(view.case, "tasks")),
    )


@login_required
@require_POST
def document_upload(request, case_id: int):
    view = _view_for(request, case_id)
    form = DocumentForm(request.POST, request.FILES, sensitivities=view.sensitivities, prefix="document")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.document_upload(
            actor=request.user,
            case=view.case,
            uploaded_file=d["file"],
            title=d.get("title") or "",
            sensitivity=d["sensitivity"],
        ),
        success=_("Document uploaded."),
        anchor="documents",
    )


@login_required
@require_GET
def document_download(request, case_id: int, document_id: int):
    """A document, only after the case's need-to-know filter found it; the download is audited."""
    view = _view_for(request, case_id)
    document = view.documents().filter(pk=document_id).first()
    if document is None:
        raise Http404
    try:
        handle = document.file.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    audit_record(actor=request.user, action=AuditAction.VIEW, obj=document, summary="document downloaded")
    response = FileResponse(
        handle, as_attachment=True, filename=document.original_name, content_type=document.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _party_of(view, party_id):
    if not view.can_see_details:
        raise Http404
    party = view.case.parties.filter(pk=party_id).first()
    if party is None:
        raise Http404
    return party


@login_required
@require_POST
def victim_status(request, case_id: int, party_id: int):
    view = _view_for(request, case_id)
    party = _party_of(view, party_id)
    return _run(
        request,
        view,
        form=VictimStatusForm(request.POST),
        call=lambda d: services.victim_status_set(actor=request.user, party=party, status=d["status"]),
        success=_("Victim status recorded."),
        anchor="parties",
    )


@login_required
@require_POST
def consent(request, case_id: int, party_id: int):
    view = _view_for(request, case_id)
    party = _party_of(view, party_id)
    return _run(
        request,
        view,
        form=ConsentForm(request.POST),
        call=lambda d: services.consent_record(actor=request.user, party=party, consent=d["consent"]),
        success=_("Consent recorded."),
        anchor="parties",
    )


@login_required
@require_POST
def share_override(request, case_id: int, party_id: int):
    view = _view_for(request, case_id)
    party = _party_of(view, party_id)
    agencies = [r.to_agency for r in view.referrals() if r.is_open]
    form = ShareOverrideForm(request.POST, agencies=agencies, prefix=f"override-{party.pk}")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.share_override(
            actor=request.user, party=party, agency=_agency_from(d["agency"]), reason=d["reason"]
        ),
        success=_("The identity is shared with that agency; the override is in the audit trail."),
        anchor="parties",
    )


@login_required
@require_POST
def route_event_add(request, case_id: int):
    view = _view_for(request, case_id)
    form = RouteEventForm(request.POST, prefix="route")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.route_event_add(
            actor=request.user,
            case=view.case,
            kind=d["kind"],
            country=d["country"],
            place=d.get("place") or "",
            occurred_on=d.get("occurred_on"),
        ),
        success=_("Route event recorded."),
        anchor="route",
    )


@login_required
@require_POST
def assign(request, case_id: int):
    view = _view_for(request, case_id)
    staff = list(agency_handlers(view.case.lead_agency_id))
    form = AssignForm(request.POST, staff=staff, prefix="assign")

    def call(data):
        assignee = next((u for u in staff if str(u.pk) == data["assignee"]), None)
        if assignee is None:
            raise ApplicationError(
                _("Assign the case to a case worker of the lead agency."), code="validation_error"
            )
        services.case_assign(
            actor=request.user, case=view.case, assignee=assignee, expected_version=data["version"]
        )

    return _run(request, view, form=form, call=call, success=_("The case worker was assigned."))


@login_required
@require_POST
def party_add(request, case_id: int):
    """Links a person to the case: an existing record the user may see, or a new one (people services)."""
    view = _view_for(request, case_id)
    if not view.can_manage:
        # Refused before the form is read; the service checks again.
        raise PermissionDenied
    form = PartyForm(request.POST, prefix="party")

    def call(data):
        try:
            person = _person_choice(request, form)
        except Http404:
            raise ApplicationError(
                _("That person record is not available to you."), code="not_found"
            ) from None
        extra = {}
        if data.get("perpetrator_role") and data["role"] in (PartyRole.SUSPECT, PartyRole.RECRUITER):
            extra["perpetrator_role"] = data["perpetrator_role"]
        try:
            services.case_party_add(
                actor=request.user,
                case=view.case,
                role=data["role"],
                age_group=form.age_group_value(),
                **person,
                **extra,
            )
        except ValidationError as exc:
            raise ApplicationError(
                _("Some fields are not valid."),
                code="validation_error",
                fields={k: list(v) for k, v in exc.message_dict.items()},
            ) from exc

    return _run(
        request, view, form=form, call=call, success=_("The person was linked to the case."), anchor="parties"
    )


@login_required
@require_POST
def organisation_add(request, case_id: int):
    view = _view_for(request, case_id)
    form = OrganisationForm(request.POST, prefix="organisation")
    return _run(
        request,
        view,
        form=form,
        call=lambda d: services.case_organisation_add(
            actor=request.user,
            case=view.case,
            name=d["name"].strip(),
            kind=d["kind"],
            perpetrator_role=d["perpetrator_role"],
            licence_number=(d.get("licence_number") or "").strip(),
            country=d["country"],
        ),
        success=_("The organisation was recorded."),
        anchor="parties",
    )
