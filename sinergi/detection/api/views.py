"""The detection API: screening without storing, storing posts, the review queue and departure screenings.

Same rules as the pages: every queryset comes from `restrict(user, action)`; out of scope is a 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.core.api.params import DeclaredQueryParamsMixin
from sinergi.core.api.viewsets import RestrictedReadOnlyViewSet
from sinergi.core.errors import ApplicationError
from sinergi.detection import selectors, services
from sinergi.detection.api import serializers as s
from sinergi.detection.choices import PostSource
from sinergi.detection.filtersets import CampaignFilterSet, DepartureScreeningFilterSet, PostFilterSet
from sinergi.detection.models import (
    Campaign,
    DepartureScreening,
    PostBatch,
    ScreenedPost,
    can_create_departure_screening,
    can_review_posts,
    can_screen_text,
    can_view_posts,
)

ERROR = OpenApiResponse(
    response=inline_serializer(
        "DetectionError",
        {
            "error": inline_serializer(
                "DetectionErrorBody",
                {
                    "code": serializers.CharField(),
                    "message": serializers.CharField(),
                    "fields": serializers.DictField(allow_null=True),
                },
            )
        },
    ),
    description="Uniform error: {error: {code, message, fields}}.",
)


class _Check(permissions.BasePermission):
    check = staticmethod(lambda user: False)

    def has_permission(self, request, view):
        return bool(self.check(request.user))


class CanScreen(_Check):
    check = staticmethod(can_screen_text)


class CanViewPosts(_Check):
    check = staticmethod(can_view_posts)


def _screen_dict(text: str, meta: dict, *, item_id=None) -> dict:
    from sinergi.detection.engine import screen

    result = screen(
        text,
        platform=meta.get("platform") or None,
        account=meta.get("account") or None,
        url=meta.get("url") or None,
        posted_at=meta.get("posted_at") or None,
    ).to_dict()
    indicators = result.pop("indicators")
    core = {
        k: result.pop(k)
        for k in (
            "risk_level",
            "score",
            "rule_score",
            "warnings",
            "verdict",
            "verdict_text",
            "questions",
            "score_parts",
        )
    }
    result.pop("model_terms", None)
    result.pop("learned_proba", None)
    result.pop("knowledge_version", None)
    return {"id": item_id, **core, "indicators": indicators, "extracted": result}


class ScreenView(DeclaredQueryParamsMixin, APIView):
    permission_classes = [permissions.IsAuthenticated, CanScreen]

    @extend_schema(
        operation_id="detection_screen",
        request=s.ScreenInputSerializer,
        responses={200: s.ScreenOutputSerializer, 400: ERROR, 403: ERROR},
        summary="Screen one text or a batch (up to 1,000), without storing anything.",
    )
    def post(self, request):
        data = s.ScreenInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if "items" in values:
            results = [_screen_dict(item["text"], item, item_id=item.get("id")) for item in values["items"]]
        else:
            results = [_screen_dict(values["text"], values)]
        return Response(s.ScreenOutputSerializer({"results": results}).data)


class PostViewSet(RestrictedReadOnlyViewSet):
    """Stored posts. POST stores a batch (validated as an upload: all items or none)."""

    permission_classes = [permissions.IsAuthenticated, CanViewPosts]
    serializer_class = s.PostOutputSerializer
    filterset_class = PostFilterSet
    model = ScreenedPost
    restrict_actions = {"review": "review", "create": "view"}

    def optimise_queryset(self, queryset):
        return queryset.select_related("campaign")

    @extend_schema(
        operation_id="detection_posts_store",
        request=s.StoreInputSerializer,
        responses={201: s.BatchOutputSerializer, 400: ERROR, 403: ERROR},
        summary="Screen and store a batch of posts; reposts are grouped into campaigns.",
    )
    def create(self, request):
        if not can_review_posts(request.user):
            raise PermissionDenied
        data = s.StoreInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        batch = services.post_store_batch(
            actor=request.user, results=data.validated_data["items"], source=PostSource.API
        )
        return Response(s.BatchOutputSerializer(batch).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="detection_post_review",
        request=s.ReviewInputSerializer,
        responses={201: s.ReviewOutputSerializer, 400: ERROR, 404: ERROR, 409: ERROR},
        summary="Confirm or dismiss one post.",
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        post = selectors.access_post(user=request.user, pk=pk, action="review")
        data = s.ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.post_review(actor=request.user, post_id=post.pk, **data.validated_data)
        return Response(s.ReviewOutputSerializer(review).data, status=status.HTTP_201_CREATED)


class BatchViewSet(RestrictedReadOnlyViewSet):
    """Deliveries of posts (uploads, API calls, CLI runs) with their counts and the lines the sender skipped."""

    permission_classes = [permissions.IsAuthenticated, CanViewPosts]
    serializer_class = s.BatchOutputSerializer
    model = PostBatch


class CampaignViewSet(RestrictedReadOnlyViewSet):
    """Campaigns: near-duplicate posts grouped, most risky first."""

    permission_classes = [permissions.IsAuthenticated, CanViewPosts]
    serializer_class = s.CampaignOutputSerializer
    filterset_class = CampaignFilterSet
    model = Campaign
    restrict_actions = {"review": "review"}

    def optimise_queryset(self, queryset):
        return queryset.select_related("representative")

    @extend_schema(
        operation_id="detection_campaign_review",
        request=s.ReviewInputSerializer,
        responses={201: s.ReviewOutputSerializer, 400: ERROR, 404: ERROR, 409: ERROR},
        summary="Confirm or dismiss a whole campaign.",
    )
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        campaign = selectors.access_campaign(user=request.user, pk=pk, action="review")
        data = s.ReviewInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.campaign_review(actor=request.user, campaign_id=campaign.pk, **data.validated_data)
        return Response(s.ReviewOutputSerializer(review).data, status=status.HTTP_201_CREATED)


class DepartureScreeningViewSet(RestrictedReadOnlyViewSet):
    """Departure screenings: visible to the officer's agency and to BP3MI and police of the province."""

    serializer_class = s.DepartureOutputSerializer
    filterset_class = DepartureScreeningFilterSet
    model = DepartureScreening
    restrict_actions = {"create": "view"}

    def optimise_queryset(self, queryset):
        return queryset.select_related("officer", "agency")

    @extend_schema(
        operation_id="detection_departure_create",
        request=s.DepartureInputSerializer,
        responses={201: s.DepartureOutputSerializer, 400: ERROR, 403: ERROR},
        summary="Score a departure interview and store it.",
    )
    def create(self, request):
        if not can_create_departure_screening(request.user):
            raise PermissionDenied
        data = s.DepartureInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            screening = services.departure_screening_create(actor=request.user, **data.validated_data)
        except ApplicationError as exc:
            raise ValidationError(exc.fields or {"answers": [exc.message]}) from exc
        return Response(s.DepartureOutputSerializer(screening).data, status=status.HTTP_201_CREATED)
