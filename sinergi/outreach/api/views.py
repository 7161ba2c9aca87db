"""The outreach API: events, scoped by `OutreachEvent.objects.restrict`; writes go through the services."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status
from rest_framework.response import Response

from sinergi.core.api.params import query_params
from sinergi.core.api.schema import error_responses
from sinergi.core.api.viewsets import RestrictedModelViewSet
from sinergi.outreach import selectors, services
from sinergi.outreach.api.serializers import (
    OutreachEventInput,
    OutreachEventListQuerySerializer,
    OutreachEventOutput,
)
from sinergi.outreach.choices import PARTICIPANT_FIELDS
from sinergi.outreach.models import OutreachEvent, can_view_outreach


class CanViewOutreach(permissions.BasePermission):
    def has_permission(self, request, view):
        return can_view_outreach(request.user)


class OutreachEventViewSet(RestrictedModelViewSet, mixins.CreateModelMixin):
    model = OutreachEvent
    serializer_class = OutreachEventOutput
    permission_classes = [CanViewOutreach]

    def restrict_action(self) -> str:
        return "view"

    def optimise_queryset(self, queryset):
        return queryset.select_related("agency").prefetch_related("partner_agencies")

    @extend_schema(
        parameters=[OutreachEventListQuerySerializer],
        responses={200: OutreachEventOutput(many=True), **error_responses(400, 401, 403)},
    )
    def list(self, request, *args, **kwargs):
        """Outreach events you may see, latest first, by region, organising agency and date."""
        filters = query_params(OutreachEventListQuerySerializer, request)
        events = selectors.event_list(
            user=request.user,
            since=filters.get("date_from"),
            until=filters.get("date_to"),
            region_code=filters.get("region"),
            agency_id=filters.get("agency"),
        )
        return self.paged_response(self.optimise_queryset(events), OutreachEventOutput)

    @extend_schema(request=OutreachEventInput, responses={201: OutreachEventOutput})
    def create(self, request, *args, **kwargs):
        data = OutreachEventInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        # A refusal (ApplicationError) becomes the uniform {"error": {...}} body in core.api.errors.
        event = services.outreach_event_create(
            actor=request.user,
            data=services.EventData(
                title=values["title"],
                held_on=values["held_on"],
                region_code=values["region"],
                audiences=values.get("audiences", []),
                participants={field: values.get(field, 0) for field, _sex, _age in PARTICIPANT_FIELDS},
                materials=values.get("materials", ""),
                follow_up=values.get("follow_up", ""),
                partner_agency_ids=values.get("partner_agencies", []),
            ),
        )
        return Response(OutreachEventOutput(event).data, status=status.HTTP_201_CREATED)
