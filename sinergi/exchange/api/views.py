"""Replay of events for an integrated system: everything sent to its subscriptions after an offset."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.core.api.params import DeclaredQueryParamsMixin
from sinergi.core.api.schema import error_responses
from sinergi.exchange.api.serializers import (
    EventPageOutputSerializer,
    EventReplayInputSerializer,
)
from sinergi.exchange.events.replay import events_after


class EventReplayView(DeclaredQueryParamsMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]
    api_scope = "events"  # replay from an offset: `events:read`

    @extend_schema(
        summary="Replay events",
        description=(
            "The events of the caller's subscriptions with an offset above `after`, oldest first, each built as "
            "its webhook was: only what the calling integrated system may see. A receiver that lost events "
            "reads on from the last offset it stored; the `id` is the idempotency key of the webhook."
        ),
        parameters=[
            OpenApiParameter("after", int, description="Offset: events with a larger one."),
            OpenApiParameter("limit", int, description="At most this many (1-500, default 100)."),
        ],
        responses={200: EventPageOutputSerializer, **error_responses(400, 401, 403)},
    )
    def get(self, request):
        params = EventReplayInputSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        events, next_after = events_after(
            user=request.user, after=params.validated_data["after"], limit=params.validated_data["limit"]
        )
        return Response(EventPageOutputSerializer({"events": events, "next_after": next_after}).data)
