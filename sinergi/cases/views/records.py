"""What hangs on a case: notes, tasks, documents, parties, consent, organisations, the route, assignment."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
from sinergi.cases.models import CaseParty
from sinergi.cases.notifications import agency_handlers
from sinergi.cases.views._actions import CaseActionView
from sinergi.cases.views._shared import CasePageView, _agency_from, _case_url, _safe_next
from sinergi.cases.views.intake_form import _person_choice
from sinergi.core.errors import ApplicationError


class NoteAddView(CaseActionView):
    success = gettext_lazy("Note added.")
    anchor = "notes"

    def form(self):
        return NoteForm(self.request.POST, sensitivities=self.case_view.sensitivities, prefix="note")

    def act(self, data) -> None:
        services.note_add(
            actor=self.request.user,
            case=self.case_view.case,
            text=data["text"],
            sensitivity=data["sensitivity"],
        )


note_add = NoteAddView.as_view()


class TaskCreateView(CaseActionView):
    success = gettext_lazy("Task created.")
    anchor = "tasks"

    def find_records(self) -> None:
        agency_id = self.request.user.agency_id
        self.owners = list(agency_handlers(agency_id)) if agency_id else []

    def form(self):
        return TaskForm(self.request.POST, owners=self.owners, prefix="task")

    def act(self, data) -> None:
        owner = next((u for u in self.owners if str(u.pk) == data["owner"]), None)
        if owner is None:
            raise ApplicationError(_("Give the task to someone in your own agency."), code="validation_error")
        services.task_create(
            actor=self.request.user,
            case=self.case_view.case,
            title=data["title"],
            owner=owner,
            due_at=data["due_at"],
        )


task_create = TaskCreateView.as_view()


class TaskCompleteView(CaseActionView):
    success = gettext_lazy("Task completed.")

    def find_records(self) -> None:
        self.task = self.scoped_child(self.case_view.tasks(), "task_id")

    def form(self):
        return OptionalNoteForm(self.request.POST)

    def act(self, data) -> None:
        services.task_complete(actor=self.request.user, task=self.task)

    def redirect_to(self) -> str:
        return _safe_next(self.request, _case_url(self.case_view.case, "tasks"))


task_complete = TaskCompleteView.as_view()


class DocumentUploadView(CaseActionView):
    success = gettext_lazy("Document uploaded.")
    anchor = "documents"

    def form(self):
        request = self.request
        return DocumentForm(
            request.POST, request.FILES, sensitivities=self.case_view.sensitivities, prefix="document"
        )

    def act(self, data) -> None:
        services.document_upload(
            actor=self.request.user,
            case=self.case_view.case,
            uploaded_file=data["file"],
            title=data.get("title") or "",
            sensitivity=data["sensitivity"],
        )


document_upload = DocumentUploadView.as_view()


class DocumentDownloadView(CasePageView):
    """A document, only after the case's need-to-know filter found it; the download is audited."""

    http_method_names = ["get", "head"]

    def get(self, request, case_id: int, document_id: int):
        view = self.case_view
        document = self.scoped_child(view.documents(), "document_id")
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


document_download = DocumentDownloadView.as_view()


class PartyActionView(CaseActionView):
    """An action on one person of the case: the party comes through CaseParty.objects.restrict (lead and
    accepted participants only), within this case."""

    anchor = "parties"

    def find_records(self) -> None:
        parties = CaseParty.objects.restrict(self.request.user, "view").filter(case_id=self.case_view.case.pk)
        self.party = self.scoped_child(parties, "party_id")


class VictimStatusView(PartyActionView):
    success = gettext_lazy("Victim status recorded.")

    def form(self):
        return VictimStatusForm(self.request.POST)

    def act(self, data) -> None:
        services.victim_status_set(actor=self.request.user, party=self.party, status=data["status"])


victim_status = VictimStatusView.as_view()


class ConsentView(PartyActionView):
    success = gettext_lazy("Consent recorded.")

    def form(self):
        return ConsentForm(self.request.POST)

    def act(self, data) -> None:
        services.consent_record(actor=self.request.user, party=self.party, consent=data["consent"])


consent = ConsentView.as_view()


class ShareOverrideView(PartyActionView):
    success = gettext_lazy("The identity is shared with that agency; the override is in the audit trail.")

    def form(self):
        agencies = [r.to_agency for r in self.case_view.referrals() if r.is_open]
        return ShareOverrideForm(self.request.POST, agencies=agencies, prefix=f"override-{self.party.pk}")

    def act(self, data) -> None:
        services.share_override(
            actor=self.request.user,
            party=self.party,
            agency=_agency_from(data["agency"]),
            reason=data["reason"],
        )


share_override = ShareOverrideView.as_view()


class RouteEventAddView(CaseActionView):
    success = gettext_lazy("Route event recorded.")
    anchor = "route"

    def form(self):
        return RouteEventForm(self.request.POST, prefix="route")

    def act(self, data) -> None:
        services.route_event_add(
            actor=self.request.user,
            case=self.case_view.case,
            kind=data["kind"],
            country=data["country"],
            place=data.get("place") or "",
            occurred_on=data.get("occurred_on"),
        )


route_event_add = RouteEventAddView.as_view()


class AssignView(CaseActionView):
    success = gettext_lazy("The case worker was assigned.")

    def find_records(self) -> None:
        self.staff = list(agency_handlers(self.case_view.case.lead_agency_id))

    def form(self):
        return AssignForm(self.request.POST, staff=self.staff, prefix="assign")

    def act(self, data) -> None:
        assignee = next((u for u in self.staff if str(u.pk) == data["assignee"]), None)
        if assignee is None:
            raise ApplicationError(
                _("Assign the case to a case worker of the lead agency."), code="validation_error"
            )
        services.case_assign(
            actor=self.request.user,
            case=self.case_view.case,
            assignee=assignee,
            expected_version=data["version"],
        )


assign = AssignView.as_view()


class PartyAddView(CaseActionView):
    """Links a person to the case: an existing record the user may see, or a new one (people services)."""

    success = gettext_lazy("The person was linked to the case.")
    anchor = "parties"

    def find_records(self) -> None:
        if not self.case_view.can_manage:
            # Refused before the form is read; the service checks again.
            raise PermissionDenied

    def form(self):
        self.party_form = PartyForm(self.request.POST, prefix="party")
        return self.party_form

    def act(self, data) -> None:
        try:
            person = _person_choice(self.request, self.party_form)
        except Http404:
            raise ApplicationError(
                _("That person record is not available to you."), code="not_found"
            ) from None
        extra = {}
        if data.get("perpetrator_role") and data["role"] in (PartyRole.SUSPECT, PartyRole.RECRUITER):
            extra["perpetrator_role"] = data["perpetrator_role"]
        try:
            services.case_party_add(
                actor=self.request.user,
                case=self.case_view.case,
                role=data["role"],
                age_group=self.party_form.age_group_value(),
                **person,
                **extra,
            )
        except ValidationError as exc:
            raise ApplicationError(
                _("Some fields are not valid."),
                code="validation_error",
                fields={k: list(v) for k, v in exc.message_dict.items()},
            ) from exc


party_add = PartyAddView.as_view()


class OrganisationAddView(CaseActionView):
    success = gettext_lazy("The organisation was recorded.")
    anchor = "parties"

    def form(self):
        return OrganisationForm(self.request.POST, prefix="organisation")

    def act(self, data) -> None:
        services.case_organisation_add(
            actor=self.request.user,
            case=self.case_view.case,
            name=data["name"].strip(),
            kind=data["kind"],
            perpetrator_role=data["perpetrator_role"],
            licence_number=(data.get("licence_number") or "").strip(),
            country=data["country"],
        )


organisation_add = OrganisationAddView.as_view()
