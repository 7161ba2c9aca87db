"""/api/v1/cases/ and friends: everything a user can do on the case pages, through the same services,
selectors and access rules. Out of scope → 404; refused by a rule → the service's ApplicationError code."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases import selectors, services
from sinergi.cases.access import shown_across_cases
from sinergi.cases.api import serializers as s
from sinergi.cases.models import (
    Approval,
    Case,
    CaseParty,
    Document,
    LeadTransfer,
    Notification,
    Referral,
    Task,
)
from sinergi.cases.pagination import CappedPagination, SearchPagination
from sinergi.core.api.params import query_params
from sinergi.core.api.viewsets import RestrictedAPIView, RestrictedGenericViewSet
from sinergi.core.errors import ApplicationError

ERRORS = {
    400: OpenApiResponse(description="Refused: `{error: {code, message, fields}}`"),
    403: OpenApiResponse(description="Not allowed for your agency or role"),
    404: OpenApiResponse(description="Not found or outside your scope"),
    409: OpenApiResponse(description="Conflict (changed by someone else, or no longer pending)"),
    429: OpenApiResponse(description="Too many requests: wait and try again"),
}
TAGS = ["cases"]


def _shown(request, record):
    """A referral or transfer with its free text masked as the caller may read its case (access.shown_across_cases)."""
    return shown_across_cases(request.user, [record])[0]


def _validated(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _user_in(pk, *, agency_id):
    """A user of the given agency; any other id, existing or not, is the same "Unknown user."."""
    user = get_user_model().objects.filter(pk=pk, agency_id=agency_id, is_active=True).first()
    if user is None:
        raise ApplicationError(
            _("Unknown user."), code="validation_error", fields={"user": [_("Unknown user.")]}
        )
    return user


class CaseViewSet(RestrictedGenericViewSet):
    """Cases within the caller's need-to-know scope (single cases through selectors.case_detail, which is
    access_case_by_id plus the CaseView)."""

    model = Case
    # Words to search for may be a victim's name or NIK: `list` tells the caller to send them by POST.
    refused_query_params = {"list": frozenset({"q"})}
    # POST actions that only read: a read-only token may search and check for duplicates.
    read_actions = frozenset({"search", "duplicates"})

    def restrict_action(self) -> str:
        # Every action first needs the case in view; what the reader may then do is the services' answer,
        # the same 403 the page gives (a pending agency may read the summary but not move the case).
        return "view"

    serializer_class = s.CaseSummarySerializer
    pagination_class = CappedPagination
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def _view(self, pk, *, audit=False):
        return selectors.case_detail(user=self.request.user, case_id=pk, audit=audit)

    def _detail_response(self, view, code=status.HTTP_200_OK):
        return Response(s.CaseDetailSerializer(s.case_detail_data(view)).data, status=code)

    @extend_schema(
        parameters=[s.CaseListQuerySerializer], responses=s.CaseSummarySerializer(many=True), tags=TAGS
    )
    def list(self, request):
        """Cases you may see, newest first, with filters. To search by words, `POST /cases/search/`."""
        if "q" in request.query_params:
            raise DRFValidationError(
                {"q": [str(_("Search with POST /api/v1/cases/search/, not in the address."))]}
            )
        filters = query_params(s.CaseListQuerySerializer, request)
        return self.paged_response(
            selectors.case_list(user=request.user, filters=filters), s.CaseSummarySerializer
        )

    @extend_schema(
        request=s.CaseSearchInputSerializer,
        responses={200: s.CaseSummarySerializer(many=True), **ERRORS},
        tags=TAGS,
    )
    @action(detail=False, methods=["post"], pagination_class=SearchPagination)
    def search(self, request):
        """Full-text search over the cases you may see (the narrative, the notes you may read, the reference
        and the people whose identity you see), with the list's filters, in the body: what is searched may be
        a victim's name or NIK and never enters an address. Pages by `?page=`; `count` is exact up to 200
        (`count_capped`: more, add a word). Written to the audit trail."""
        filters = dict(_validated(s.CaseSearchInputSerializer, request.data))
        filters = {key: value for key, value in filters.items() if value not in (None, "")}
        page = self.paginate_queryset(selectors.case_list(user=request.user, filters=filters))
        self.record_read(summary="case search through the API", count=len(page), searched=filters)
        return self.get_paginated_response(s.CaseSummarySerializer(page, many=True).data)

    @extend_schema(
        request=s.CaseIntakeInputSerializer, responses={201: s.CaseDetailSerializer, **ERRORS}, tags=TAGS
    )
    def create(self, request):
        """Registers a new case (any intake channel). Check /cases/duplicates/ first."""
        data = dict(_validated(s.CaseIntakeInputSerializer, request.data))
        parties = []
        from sinergi.people.models import Person

        for entry in data.pop("parties", []):
            person = Person.objects.restrict(request.user, "view").filter(pk=entry["person"]).first()
            if person is None:
                raise ApplicationError(
                    _("Unknown person."), code="validation_error", fields={"parties": [_("Unknown person.")]}
                )
            parties.append({"person": person, "role": entry["role"], "age_group": entry["age_group"]})
        case = services.case_intake(actor=request.user, parties=parties, **data)
        return self._detail_response(self._view(case.pk), status.HTTP_201_CREATED)

    @extend_schema(responses={200: s.CaseDetailSerializer, 404: ERRORS[404]}, tags=TAGS)
    def retrieve(self, request, pk=None):
        """The case as your agency and role may see it. Written to the audit trail."""
        return self._detail_response(self._view(pk, audit=True))

    @extend_schema(
        request=s.CaseUpdateInputSerializer, responses={200: s.CaseDetailSerializer, **ERRORS}, tags=TAGS
    )
    def partial_update(self, request, pk=None):
        """Changes modus, route and narrative (lead agency). Send the `version` you read."""
        view = self._view(pk)
        data = dict(_validated(s.CaseUpdateInputSerializer, request.data, partial=False))
        version = data.pop("version")
        services.case_update(actor=request.user, case=view.case, expected_version=version, **data)
        return self._detail_response(self._view(pk))

    @extend_schema(
        request=s.TransitionInputSerializer, responses={200: s.CaseDetailSerializer, **ERRORS}, tags=TAGS
    )
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Moves the case along a transition of its flow (care or legal track)."""
        view = self._view(pk)
        data = _validated(s.TransitionInputSerializer, request.data)
        services.case_transition(
            actor=request.user,
            case=view.case,
            to_stage=data["to_stage"],
            expected_version=data.get("version"),
            outcome=data["outcome"],
            note=data["note"],
        )
        return self._detail_response(self._view(pk))

    @extend_schema(
        request=s.CaseCloseInputSerializer, responses={200: s.CaseDetailSerializer, **ERRORS}, tags=TAGS
    )
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Closes the case (lead agency) as the closing page does, in one transaction: each open referral done
        or revoked with a reason, each open task done or cancelled with a reason, each victim's final status,
        then the flow's final stage (after the supervisor's approval of the closure); the agencies that took
        part are told. Anything open without a complete decision refuses the whole closure, changing nothing:
        400 `closure_decision_required`, the message naming each item, `fields` keyed `referral-<id>`,
        `task-<id>`, `victim-<party id>`."""
        view = self._view(pk)
        data = _validated(s.CaseCloseInputSerializer, request.data)
        services.case_close(
            actor=request.user,
            case=view.case,
            outcome=data["outcome"],
            note=data["note"].strip(),
            expected_version=data.get("version"),
            referral_decisions={
                d["referral"]: services.Decision(d["action"], d["reason"].strip()) for d in data["referrals"]
            },
            task_decisions={
                d["task"]: services.Decision(d["action"], d["reason"].strip()) for d in data["tasks"]
            },
            victim_statuses={d["party"]: d["status"] for d in data["victims"]},
        )
        return self._detail_response(self._view(pk))

    @extend_schema(
        request=s.AssignInputSerializer, responses={200: s.CaseDetailSerializer, **ERRORS}, tags=TAGS
    )
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Assigns the case to a case worker of the lead agency."""
        view = self._view(pk)
        data = _validated(s.AssignInputSerializer, request.data)
        services.case_assign(
            actor=request.user,
            case=view.case,
            assignee=_user_in(data["assignee"], agency_id=view.case.lead_agency_id),
            expected_version=data.get("version"),
        )
        return self._detail_response(self._view(pk))

    @extend_schema(responses=s.TimelineEntrySerializer(many=True), tags=TAGS)
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        """Everything that happened on the case that you may see, oldest first."""
        entries = selectors.case_timeline(view=self._view(pk, audit=True))
        return self.paged_response(entries, s.TimelineEntrySerializer)

    @extend_schema(methods=["get"], responses=s.ReferralOutputSerializer(many=True), tags=TAGS)
    @extend_schema(
        methods=["post"],
        request=s.ReferralInputSerializer,
        responses={201: s.ReferralOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["get", "post"])
    def referrals(self, request, pk=None):
        """The case's referrals (a pending agency sees only its own); POST refers the case (lead agency)."""
        view = self._view(pk, audit=request.method == "GET")
        if request.method == "GET":
            return self.paged_response(
                view.shown(view.referrals().prefetch_related("services")), s.ReferralOutputSerializer
            )
        data = _validated(s.ReferralInputSerializer, request.data)
        referral = services.referral_create(actor=request.user, case=view.case, **data)
        return Response(
            s.ReferralOutputSerializer(_shown(request, referral)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(methods=["get"], responses=s.NoteOutputSerializer(many=True), tags=TAGS)
    @extend_schema(
        methods=["post"],
        request=s.NoteInputSerializer,
        responses={201: s.NoteOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["get", "post"])
    def notes(self, request, pk=None):
        """Notes of the kinds you may read; POST adds one."""
        view = self._view(pk, audit=request.method == "GET")
        if request.method == "GET":
            # One page of notes, then their text masked as this reader may read it (CaseView.mask).
            page = self.paginate_queryset(view.notes())
            return self.get_paginated_response(s.NoteOutputSerializer(view.shown_notes(page), many=True).data)
        data = _validated(s.NoteInputSerializer, request.data)
        note = services.note_add(actor=request.user, case=view.case, **data)
        return Response(s.NoteOutputSerializer(note).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=s.TaskOutputSerializer(many=True), tags=TAGS)
    @extend_schema(
        methods=["post"],
        request=s.TaskInputSerializer,
        responses={201: s.TaskOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["get", "post"])
    def tasks(self, request, pk=None):
        """Tasks (the lead sees all, others their own agency's); POST creates one."""
        view = self._view(pk, audit=request.method == "GET")
        if request.method == "GET":
            return self.paged_response(view.tasks(), s.TaskOutputSerializer)
        data = _validated(s.TaskInputSerializer, request.data)
        referral = None
        if data.get("referral"):
            referral = view.referrals().filter(pk=data["referral"]).first()
            if referral is None:
                raise ApplicationError(
                    _("Unknown referral."),
                    code="validation_error",
                    fields={"referral": [_("Unknown referral.")]},
                )
        task = services.task_create(
            actor=request.user,
            case=view.case,
            title=data["title"],
            owner=_user_in(data["owner"], agency_id=request.user.agency_id),
            due_at=data["due_at"],
            referral=referral,
        )
        return Response(s.TaskOutputSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=s.DocumentOutputSerializer(many=True), tags=TAGS)
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": s.DocumentInputSerializer},
        responses={201: s.DocumentOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["get", "post"])
    def documents(self, request, pk=None):
        """Documents of the kinds you may read; POST (multipart) uploads one."""
        view = self._view(pk, audit=request.method == "GET")
        if request.method == "GET":
            return self.paged_response(view.documents(), s.DocumentOutputSerializer)
        data = _validated(s.DocumentInputSerializer, request.data)
        document = services.document_upload(
            actor=request.user,
            case=view.case,
            uploaded_file=data["file"],
            title=data["title"],
            sensitivity=data["sensitivity"],
        )
        return Response(s.DocumentOutputSerializer(document).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.TransferInputSerializer, responses={201: s.TransferOutputSerializer, **ERRORS}, tags=TAGS
    )
    @action(detail=True, methods=["post"])
    def transfers(self, request, pk=None):
        """Asks another agency to take over the lead."""
        view = self._view(pk)
        data = _validated(s.TransferInputSerializer, request.data)
        transfer = services.lead_transfer_request(actor=request.user, case=view.case, **data)
        return Response(
            s.TransferOutputSerializer(_shown(request, transfer)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(methods=["get"], responses=s.ApprovalOutputSerializer(many=True), tags=TAGS)
    @extend_schema(
        methods=["post"],
        request=s.ApprovalInputSerializer,
        responses={201: s.ApprovalOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["get", "post"])
    def approvals(self, request, pk=None):
        """Approvals of the assessment, case plan and closure (lead agency)."""
        view = self._view(pk)
        if not view.is_lead:
            raise Http404
        if request.method == "GET":
            return self.paged_response(view.approvals(), s.ApprovalOutputSerializer)
        data = _validated(s.ApprovalInputSerializer, request.data)
        approval = services.approval_request(actor=request.user, case=view.case, **data)
        return Response(s.ApprovalOutputSerializer(approval).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.PartyInputSerializer, responses={201: s.PartyOutputSerializer, **ERRORS}, tags=TAGS
    )
    @action(detail=True, methods=["post"])
    def parties(self, request, pk=None):
        """Links a person record to the case (lead agency)."""
        from sinergi.people.models import Person

        view = self._view(pk)
        data = _validated(s.PartyInputSerializer, request.data)
        person = Person.objects.restrict(request.user, "view").filter(pk=data["person"]).first()
        if person is None:
            raise ApplicationError(
                _("Unknown person."), code="validation_error", fields={"person": [_("Unknown person.")]}
            )
        party = services.case_party_add(
            actor=request.user, case=view.case, person=person, role=data["role"], age_group=data["age_group"]
        )
        party_view = next(p for p in self._view(pk).parties() if p.party.pk == party.pk)
        return Response(s.party_data(view, party_view), status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.RouteEventInputSerializer,
        responses={201: s.RouteEventOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"], url_path="route-events")
    def route_events(self, request, pk=None):
        """Records a recruitment, transit, exploitation, interception or return event with place and date."""
        view = self._view(pk)
        data = _validated(s.RouteEventInputSerializer, request.data)
        event = services.route_event_add(actor=request.user, case=view.case, **data)
        return Response(s.RouteEventOutputSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.OrganisationInputSerializer,
        responses={201: s.OrganisationOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def organisations(self, request, pk=None):
        """Records an organisation among the perpetrators (placement company, sponsor, employer)."""
        view = self._view(pk)
        data = _validated(s.OrganisationInputSerializer, request.data)
        organisation = services.case_organisation_add(actor=request.user, case=view.case, **data)
        return Response(s.OrganisationOutputSerializer(organisation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=s.DuplicateInputSerializer,
        responses={200: s.DuplicateResultSerializer, 429: ERRORS[429], **ERRORS},
        tags=TAGS,
    )
    @action(detail=False, methods=["post"])
    def duplicates(self, request):
        """Probable duplicates (same NIK, phone, or name with birth date). The identifiers travel in the body,
        never in the address. Cases are named only where you may see the matching person; otherwise at most
        `elsewhere: true` ("another agency holds a matching record"). Throttled and written to the audit trail."""
        data = _validated(s.DuplicateInputSerializer, request.data)
        if not selectors.duplicate_check_allowed(request.user):
            raise Throttled(detail=_("Too many duplicate checks; wait a few minutes."))
        result = selectors.case_intake_duplicates(user=request.user, **data)
        return Response(s.DuplicateResultSerializer(result).data)

    @extend_schema(responses=s.OverdueOutputSerializer(many=True), tags=TAGS)
    @action(detail=False, methods=["get"])
    def overdue(self, request):
        """Late referrals, tasks and stages your agency is responsible for or leads."""
        return self.paged_response(selectors.overdue_list(user=request.user), s.OverdueOutputSerializer)

    @extend_schema(
        parameters=[s.MetricsQuerySerializer],
        responses={200: s.MetricsOutputSerializer, 400: ERRORS[400], 404: ERRORS[404]},
        tags=TAGS,
    )
    @action(detail=False, methods=["get"])
    def metrics(self, request):
        """Handling metrics of an agency over a period (default: your own agency, the last 90 days)."""
        params = query_params(s.MetricsQuerySerializer, request)
        end = params.get("end") or timezone.localdate()
        start = params.get("start") or end - timedelta(days=90)
        if start > end:
            raise ApplicationError(
                _("The start is after the end."),
                code="validation_error",
                fields={"start": [_("After the end.")]},
            )
        agency_id = params.get("agency") or request.user.agency_id or 0
        agency = selectors.metrics_agencies(user=request.user).filter(pk=agency_id).first()
        if agency is None:
            raise Http404
        return Response(
            s.MetricsOutputSerializer(
                selectors.case_metrics(user=request.user, agency=agency, start=start, end=end)
            ).data
        )


class ReferralViewSet(RestrictedGenericViewSet):
    """Referrals: the inbox of your agency and the answers to them. A referral is reached through
    Referral.objects.restrict(user, "view"); the services decide who may answer, revoke or close it."""

    model = Referral
    serializer_class = s.ReferralOutputSerializer
    restrict_actions = {
        "accept": "view",
        "decline": "view",
        "services": "view",
        "done": "view",
        "revoke": "view",
    }

    def optimise_queryset(self, queryset):
        return queryset.select_related("case", "to_agency", "from_agency")

    @extend_schema(
        parameters=[s.ReferralListQuerySerializer],
        responses={200: s.ReferralOutputSerializer(many=True), 400: ERRORS[400]},
        tags=TAGS,
    )
    def list(self, request):
        """Referrals you may see, oldest answer deadline first. Without filters, the inbox: those awaiting
        your agency's answer; `direction` and `status` widen it."""
        filters = query_params(s.ReferralListQuerySerializer, request)
        page = self.paginate_queryset(
            selectors.referral_list(user=request.user, filters=filters).prefetch_related("services")
        )
        page = shown_across_cases(request.user, page)
        return self.get_paginated_response(s.ReferralOutputSerializer(page, many=True).data)

    @extend_schema(responses={200: s.ReferralOutputSerializer, 404: ERRORS[404]}, tags=TAGS)
    def retrieve(self, request, pk=None):
        return Response(s.ReferralOutputSerializer(_shown(request, self.get_object())).data)

    def _answer(self, request, pk, fn, serializer_class=None, **mapping):
        referral = self.get_object()
        data = _validated(serializer_class, request.data) if serializer_class else {}
        kwargs = {target: data[source] for target, source in mapping.items() if source in data}
        result = fn(actor=request.user, referral=referral, **kwargs)
        if isinstance(result, Referral):
            return Response(s.ReferralOutputSerializer(_shown(request, result)).data)
        referral.refresh_from_db()
        return Response(
            s.ReferralOutputSerializer(_shown(request, referral)).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=s.NoteOptionalInputSerializer,
        responses={200: s.ReferralOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accepts a referral addressed to your agency."""
        return self._answer(request, pk, services.referral_accept, s.NoteOptionalInputSerializer, note="note")

    @extend_schema(
        request=s.ReasonInputSerializer, responses={200: s.ReferralOutputSerializer, **ERRORS}, tags=TAGS
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Declines a referral addressed to your agency, with a reason."""
        return self._answer(request, pk, services.referral_decline, s.ReasonInputSerializer, reason="reason")

    @extend_schema(
        request=s.ServicesInputSerializer, responses={201: s.ReferralOutputSerializer, **ERRORS}, tags=TAGS
    )
    @action(detail=True, methods=["post"])
    def services(self, request, pk=None):
        """Reports a service delivered under an accepted referral."""
        return self._answer(
            request,
            pk,
            services.referral_report_services,
            s.ServicesInputSerializer,
            description="description",
            delivered_on="delivered_on",
        )

    @extend_schema(
        request=s.NoteOptionalInputSerializer,
        responses={200: s.ReferralOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        """Marks an accepted referral done (lead agency)."""
        return self._answer(
            request, pk, services.referral_mark_done, s.NoteOptionalInputSerializer, note="note"
        )

    @extend_schema(
        request=s.ReasonInputSerializer, responses={200: s.ReferralOutputSerializer, **ERRORS}, tags=TAGS
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        """Revokes a referral (lead agency), with a reason."""
        return self._answer(request, pk, services.referral_revoke, s.ReasonInputSerializer, reason="reason")


class TransferViewSet(RestrictedGenericViewSet):
    """Lead transfers addressed to your agency."""

    model = LeadTransfer
    serializer_class = s.TransferOutputSerializer
    restrict_actions = {"accept": "view", "decline": "view"}

    def optimise_queryset(self, queryset):
        return queryset.select_related("case")

    @extend_schema(
        parameters=[s.TransferListQuerySerializer],
        responses={200: s.TransferOutputSerializer(many=True), 400: ERRORS[400]},
        tags=TAGS,
    )
    def list(self, request):
        """Lead transfers you may see (for the roles that answer them), newest first. Without filters, the
        inbox: those awaiting your agency's answer; `direction` and `status` widen it."""
        filters = query_params(s.TransferListQuerySerializer, request)
        page = self.paginate_queryset(selectors.transfer_list(user=request.user, filters=filters))
        page = shown_across_cases(request.user, page)
        return self.get_paginated_response(s.TransferOutputSerializer(page, many=True).data)

    @extend_schema(
        request=s.NoteOptionalInputSerializer,
        responses={200: s.TransferOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accepts the lead: your agency leads the case from now on."""
        data = _validated(s.NoteOptionalInputSerializer, request.data)
        transfer = services.lead_transfer_accept(
            actor=request.user, transfer=self.get_object(), note=data["note"]
        )
        return Response(s.TransferOutputSerializer(_shown(request, transfer)).data)

    @extend_schema(
        request=s.ReasonInputSerializer, responses={200: s.TransferOutputSerializer, **ERRORS}, tags=TAGS
    )
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Declines the lead, with a reason."""
        data = _validated(s.ReasonInputSerializer, request.data)
        transfer = services.lead_transfer_decline(
            actor=request.user, transfer=self.get_object(), reason=data["reason"]
        )
        return Response(s.TransferOutputSerializer(_shown(request, transfer)).data)


class ApprovalViewSet(RestrictedGenericViewSet):
    model = Approval
    serializer_class = s.ApprovalOutputSerializer
    restrict_actions = {"decide": "manage"}

    @extend_schema(
        request=s.ApprovalDecisionInputSerializer,
        responses={200: s.ApprovalOutputSerializer, **ERRORS},
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """A supervisor of the lead agency approves or rejects."""
        approval = self.get_object()
        data = _validated(s.ApprovalDecisionInputSerializer, request.data)
        approval = services.approval_decide(actor=request.user, approval=approval, **data)
        return Response(s.ApprovalOutputSerializer(approval).data)


class TaskViewSet(RestrictedGenericViewSet):
    model = Task
    serializer_class = s.TaskOutputSerializer
    restrict_actions = {"complete": "change"}

    @extend_schema(request=None, responses={200: s.TaskOutputSerializer, **ERRORS}, tags=TAGS)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Marks a task of your agency done."""
        task = self.get_object()
        return Response(s.TaskOutputSerializer(services.task_complete(actor=request.user, task=task)).data)


class PartyViewSet(RestrictedGenericViewSet):
    model = CaseParty
    serializer_class = s.PartyOutputSerializer
    restrict_actions = {"consent": "manage", "share_override": "manage", "victim_status": "change"}

    @extend_schema(request=s.ConsentInputSerializer, responses={200: None, **ERRORS}, tags=TAGS)
    @action(detail=True, methods=["post"])
    def consent(self, request, pk=None):
        """Records the victim's consent to share (lead agency)."""
        data = _validated(s.ConsentInputSerializer, request.data)
        party = services.consent_record(actor=request.user, party=self.get_object(), consent=data["consent"])
        return Response({"id": party.pk, "consent_to_share": party.consent_to_share})

    @extend_schema(request=s.ShareOverrideInputSerializer, responses={201: None, **ERRORS}, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="share-override")
    def share_override(self, request, pk=None):
        """Shares the victim's identity with one agency without consent (audited)."""
        data = _validated(s.ShareOverrideInputSerializer, request.data)
        override = services.share_override(
            actor=request.user, party=self.get_object(), agency=data["agency"], reason=data["reason"]
        )
        return Response({"id": override.pk, "agency": override.agency_id}, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.VictimStatusInputSerializer, responses={200: None, **ERRORS}, tags=TAGS)
    @action(detail=True, methods=["post"], url_path="victim-status")
    def victim_status(self, request, pk=None):
        """Records the victim status decided by your agency."""
        data = _validated(s.VictimStatusInputSerializer, request.data)
        party = services.victim_status_set(actor=request.user, party=self.get_object(), status=data["status"])
        return Response(
            {"id": party.pk, "victim_status": party.victim_status, "decided_by": party.victim_status_by_id}
        )


class DocumentDownloadView(RestrictedAPIView):
    """Downloads a document after the need-to-know check; the download is audited."""

    model = Document

    def restrict_action(self) -> str:
        return "download"

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiResponse(description="The file"),
            404: ERRORS[404],
        },
        tags=TAGS,
    )
    def get(self, request, pk):
        document = self.get_object()
        audit_record(actor=request.user, action=AuditAction.VIEW, obj=document, summary="document downloaded")
        response = FileResponse(
            document.file.open("rb"),
            as_attachment=True,
            filename=document.original_name,
            content_type=document.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class NotificationViewSet(RestrictedGenericViewSet):
    model = Notification
    serializer_class = s.NotificationOutputSerializer

    @extend_schema(
        parameters=[s.NotificationListQuerySerializer],
        responses=s.NotificationOutputSerializer(many=True),
        tags=TAGS,
    )
    def list(self, request):
        """Your notifications, newest first."""
        unread = query_params(s.NotificationListQuerySerializer, request).get("unread", False)
        notifications = selectors.notification_list(user=request.user, unread_only=unread)
        return self.paged_response(notifications, s.NotificationOutputSerializer)

    @extend_schema(request=s.NotificationReadInputSerializer, responses={200: None}, tags=TAGS)
    @action(detail=False, methods=["post"])
    def read(self, request):
        """Marks some of your notifications read."""
        data = _validated(s.NotificationReadInputSerializer, request.data)
        return Response(
            {"marked": services.notification_mark_read(actor=request.user, notification_ids=data["ids"])}
        )
