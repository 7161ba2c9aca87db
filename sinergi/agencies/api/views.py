"""/api/v1/me/, /api/v1/agencies/ and /api/v1/users/: the same rules as the pages, through the same selectors.

Wrong role → 403; outside the caller's scope → 404, exactly like a record that does not exist.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from sinergi.agencies import selectors, services
from sinergi.agencies.api.serializers import (
    AgencyInputSerializer,
    AgencyListQuerySerializer,
    AgencyOutputSerializer,
    MeOutputSerializer,
    UserCreateInputSerializer,
    UserListQuerySerializer,
    UserOutputSerializer,
    UserUpdateInputSerializer,
)
from sinergi.agencies.models import Agency, User
from sinergi.core.api.params import DeclaredQueryParamsMixin, query_params


class MeView(DeclaredQueryParamsMixin, APIView):
    api_scope = ""  # "who am I" needs no scope: any valid token may ask

    @extend_schema(operation_id="me_retrieve", responses=MeOutputSerializer, tags=["agencies"])
    def get(self, request):
        """The signed-in user (or the token's user): agency, roles, language."""
        user = User.objects.prefetch_related("roles").get(pk=request.user.pk)
        return Response(MeOutputSerializer(user).data)


class AgencyViewSet(DeclaredQueryParamsMixin, viewsets.GenericViewSet):
    """The agency directory. Readable by every signed-in user; only the platform administrator writes."""

    queryset = Agency.objects.none()
    serializer_class = AgencyOutputSerializer
    lookup_value_regex = r"\d+"

    def _require_platform_admin(self):
        if not self.request.user.is_superuser:
            raise PermissionDenied(_("Only the platform administrator manages agencies."))

    def _get(self, pk, action="view") -> Agency:
        agency = (
            Agency.objects.restrict(self.request.user, action)
            .select_related("jurisdiction")
            .filter(pk=pk)
            .first()
        )
        if agency is None:
            raise Http404
        return agency

    @extend_schema(
        parameters=[AgencyListQuerySerializer],
        responses=AgencyOutputSerializer(many=True),
        tags=["agencies"],
    )
    def list(self, request):
        params = query_params(AgencyListQuerySerializer, request)
        agencies = selectors.agency_list(
            user=request.user, search=params.get("q", ""), agency_type=params.get("type", "")
        )
        page = self.paginate_queryset(agencies)
        return self.get_paginated_response(AgencyOutputSerializer(page, many=True).data)

    @extend_schema(responses=AgencyOutputSerializer, tags=["agencies"])
    def retrieve(self, request, pk=None):
        return Response(AgencyOutputSerializer(self._get(pk)).data)

    @extend_schema(request=AgencyInputSerializer, responses={201: AgencyOutputSerializer}, tags=["agencies"])
    def create(self, request):
        self._require_platform_admin()
        serializer = AgencyInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        agency = services.agency_create(actor=request.user, **serializer.validated_data)
        return Response(AgencyOutputSerializer(agency).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AgencyInputSerializer, responses=AgencyOutputSerializer, tags=["agencies"])
    def partial_update(self, request, pk=None):
        self._require_platform_admin()
        agency = self._get(pk, "change")
        serializer = AgencyInputSerializer(agency, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        agency = services.agency_update(actor=request.user, agency=agency, **serializer.validated_data)
        return Response(AgencyOutputSerializer(agency).data)


class UserViewSet(DeclaredQueryParamsMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Users of the caller's agency. Agency administrators create and change them; others read them."""

    queryset = User.objects.none()
    serializer_class = UserOutputSerializer
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return selectors.user_list(user=self.request.user)

    def _require_manager(self):
        if not selectors.can_manage_users(self.request.user):
            raise PermissionDenied(_("Only an agency administrator manages users."))

    @extend_schema(
        parameters=[UserListQuerySerializer],
        responses=UserOutputSerializer(many=True),
        tags=["users"],
    )
    def list(self, request):
        params = query_params(UserListQuerySerializer, request)
        page = self.paginate_queryset(selectors.user_list(user=request.user, search=params.get("q", "")))
        return self.get_paginated_response(UserOutputSerializer(page, many=True).data)

    @extend_schema(responses=UserOutputSerializer, tags=["users"])
    def retrieve(self, request, pk=None):
        return Response(UserOutputSerializer(selectors.access_user(user=request.user, user_id=pk)).data)

    @extend_schema(request=UserCreateInputSerializer, responses={201: UserOutputSerializer}, tags=["users"])
    def create(self, request):
        """Creates a user in the caller's agency. The user sets a password through the e-mailed link."""
        self._require_manager()
        serializer = UserCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agency = data.pop("agency", None)
        if agency is None or not request.user.is_superuser:
            if agency is not None and agency.pk != request.user.agency_id:
                raise PermissionDenied(_("You can create users only in your own agency."))
            agency = request.user.agency
        with transaction.atomic():
            user = services.user_create(actor=request.user, agency=agency, **data)
            if user.kind == "PERSON" and user.email:
                services.user_invitation_send(user=user, base_url=request.build_absolute_uri("/")[:-1])
        return Response(UserOutputSerializer(user).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=UserUpdateInputSerializer, responses=UserOutputSerializer, tags=["users"])
    def partial_update(self, request, pk=None):
        """Changes details and roles; `is_active: false` disables the account and ends its sessions."""
        self._require_manager()
        target = selectors.access_user(user=request.user, user_id=pk, action="change")
        serializer = UserUpdateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        is_active = data.pop("is_active", None)
        with transaction.atomic():
            target = services.user_update(actor=request.user, user=target, **data)
            if is_active is False:
                target = services.user_disable(actor=request.user, user=target)
            elif is_active is True:
                target = services.user_enable(actor=request.user, user=target)
        target = User.objects.prefetch_related("roles").get(pk=target.pk)
        return Response(UserOutputSerializer(target).data)
