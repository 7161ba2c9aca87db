"""/api/v1/exchange/agreements/: the data-sharing agreements of the caller's agency, drafted, signed and
revoked through the same services as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.core.api.params import DeclaredQueryParamsMixin
from sinergi.core.api.schema import error_responses
from sinergi.core.api.viewsets import RestrictedAPIView
from sinergi.exchange.agreements import access, selectors, services
from sinergi.exchange.api.serializers import (
    AgreementInputSerializer,
    AgreementOutputSerializer,
    AgreementRevokeInputSerializer,
)
from sinergi.exchange.models import SharingAgreement


class _AgreementsAPI(DeclaredQueryParamsMixin, APIView):
    permission_classes = [permissions.IsAuthenticated]
    api_scope = "agreements"


class AgreementListView(_AgreementsAPI):
    @extend_schema(
        summary="List data-sharing agreements",
        description="The agreements the caller's agency grants or receives (supervisors, agency administrators).",
        responses={200: AgreementOutputSerializer(many=True), **error_responses(401, 403)},
    )
    def get(self, request):
        if not (access.may_read_agreements(request.user) or request.user.is_superuser):
            raise PermissionDenied
        return Response(
            AgreementOutputSerializer(selectors.agreement_list(user=request.user), many=True).data
        )

    @extend_schema(
        summary="Draft a data-sharing agreement",
        description="The caller's agency grants; it grants nothing until another supervisor signs it.",
        request=AgreementInputSerializer,
        responses={201: AgreementOutputSerializer, **error_responses(400, 401, 403)},
    )
    def post(self, request):
        data = AgreementInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        agreement = services.agreement_create(actor=request.user, **data.validated_data)
        return Response(AgreementOutputSerializer(agreement).data, status=status.HTTP_201_CREATED)


class _OneAgreementAPI(RestrictedAPIView):
    """One agreement of the caller's agency: SharingAgreement.objects.restrict + 404 (core.api.viewsets)."""

    model = SharingAgreement
    lookup_url_kwarg = "agreement_id"
    permission_classes = [permissions.IsAuthenticated]
    api_scope = "agreements"
    serializer_class = AgreementOutputSerializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.get_object()  # an id out of scope answers 404 before the body is read


class AgreementDetailView(_OneAgreementAPI):
    @extend_schema(
        summary="Read a data-sharing agreement",
        responses={200: AgreementOutputSerializer, **error_responses(401, 403, 404)},
    )
    def get(self, request, agreement_id):
        agreement = self.get_object()
        return Response(AgreementOutputSerializer(agreement).data)


class AgreementSignView(_OneAgreementAPI):
    @extend_schema(
        summary="Sign a data-sharing agreement",
        description="A supervisor of the granting agency who did not draft it.",
        request=None,
        responses={200: AgreementOutputSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, agreement_id):
        agreement = self.get_object()
        return Response(
            AgreementOutputSerializer(services.agreement_sign(actor=request.user, agreement=agreement)).data
        )


class AgreementRevokeView(_OneAgreementAPI):
    @extend_schema(
        summary="Revoke a data-sharing agreement",
        request=AgreementRevokeInputSerializer,
        responses={200: AgreementOutputSerializer, **error_responses(400, 401, 403, 404)},
    )
    def post(self, request, agreement_id):
        agreement = self.get_object()
        data = AgreementRevokeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        revoked = services.agreement_revoke(
            actor=request.user, agreement=agreement, reason=data.validated_data["reason"]
        )
        return Response(AgreementOutputSerializer(revoked).data)
