"""/api/v1/people/: the same selectors, services, permissions and messages as the pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.response import Response

from sinergi.core.api.params import query_params
from sinergi.core.api.viewsets import RestrictedGenericViewSet
from sinergi.core.errors import ApplicationError
from sinergi.people import access, identifiers
from sinergi.people.api.serializers import (
    PersonInputSerializer,
    PersonListQuerySerializer,
    PersonOutputSerializer,
    PersonPatchSerializer,
    PersonSearchInputSerializer,
    PersonUpdateSerializer,
    RevealInputSerializer,
    RevealOutputSerializer,
)
from sinergi.people.choices import PersonAction, RevealableField
from sinergi.people.models import Person
from sinergi.people.nik import NikError, clean_nik
from sinergi.people.selectors import person_get, person_list, person_search_record
from sinergi.people.services import (
    HandleInput,
    NikMismatchWarning,
    PersonData,
    PhoneInput,
    person_create,
    person_delete,
    person_reveal,
    person_update,
)

ERROR_RESPONSES = {
    400: OpenApiResponse(
        description="`validation_error` (per-field messages) or `nik_mismatch` (confirm to save)"
    ),
    401: OpenApiResponse(description="`not_authenticated`"),
    403: OpenApiResponse(description="`permission_denied`: your role may see but not do this"),
    404: OpenApiResponse(description="`not_found`: no such person, or not one you may see"),
}


class NikMismatchError(ApplicationError):
    """`nik_mismatch` as an API error: the warnings, by field, in `fields`."""


def _data(validated: dict) -> PersonData:
    return PersonData(
        full_name=validated.get("full_name", ""),
        aliases=validated.get("aliases") or [],
        sex=validated.get("sex") or "U",
        birth_date=validated.get("birth_date"),
        birth_place=validated.get("birth_place", ""),
        nik=validated.get("nik", ""),
        passport_number=validated.get("passport_number", ""),
        nationality=validated.get("nationality", "ID"),
        address_region=validated.get("address_region"),
        address_detail=validated.get("address_detail", ""),
        phones=[PhoneInput(p["number"], p.get("label", "")) for p in validated.get("phones") or []],
        handles=[HandleInput(h["platform"], h["handle"]) for h in validated.get("handles") or []],
    )


def _current(person: Person) -> dict:
    return {
        "full_name": person.full_name,
        "aliases": list(person.aliases or []),
        "sex": person.sex,
        "birth_date": person.birth_date,
        "birth_place": person.birth_place,
        "nik": person.nik,
        "passport_number": person.passport_number,
        "nationality": person.nationality,
        "address_region": person.address_region,
        "address_detail": person.address_detail,
        "phones": [{"number": p.number, "label": p.label} for p in person.phones.all()],
        "handles": [{"platform": h.platform, "handle": h.handle} for h in person.handles.all()],
    }


@extend_schema_view(
    list=extend_schema(
        summary="List people",
        description=(
            "People your agency recorded (and those reachable through shared cases), filtered by sex, nationality "
            "or address region. To search by name, NIK, phone or passport number use `POST /api/v1/people/search/`: "
            "identifiers never go in an address. `q`, `nik` or `phone` here answer 400."
        ),
        parameters=[PersonListQuerySerializer],
        responses={200: PersonOutputSerializer(many=True), **ERROR_RESPONSES},
    ),
    search=extend_schema(
        summary="Search people",
        description=(
            "`q` is the same search box as the web page: a 16-digit NIK or a phone number is an exact lookup, "
            "anything else a name search in which every word must begin a word of the name or an alias. `nik` and "
            "`phone` are exact lookups through the blind index. A name search takes at most 200 matching people: "
            "add a word to narrow it. Identifiers are masked in every response. Each search writes one audit "
            "entry with a keyed hash of what was searched (never the value) and how many people were returned."
        ),
        request=PersonSearchInputSerializer,
        responses={200: PersonOutputSerializer(many=True), **ERROR_RESPONSES},
    ),
    retrieve=extend_schema(
        summary="One person (recorded in the audit trail)",
        responses={200: PersonOutputSerializer, **ERROR_RESPONSES},
    ),
    create=extend_schema(
        summary="Record a person",
        request=PersonInputSerializer,
        responses={201: PersonOutputSerializer, **ERROR_RESPONSES},
    ),
    update=extend_schema(
        summary="Replace a person's data",
        request=PersonUpdateSerializer,
        responses={
            200: PersonOutputSerializer,
            409: OpenApiResponse(description="`edit_conflict`"),
            **ERROR_RESPONSES,
        },
    ),
    partial_update=extend_schema(
        summary="Change some of a person's data",
        request=PersonPatchSerializer,
        responses={
            200: PersonOutputSerializer,
            409: OpenApiResponse(description="`edit_conflict`"),
            **ERROR_RESPONSES,
        },
    ),
    destroy=extend_schema(
        summary="Delete a person",
        responses={204: None, 409: OpenApiResponse(description="`person_in_use`"), **ERROR_RESPONSES},
    ),
)
class PersonViewSet(RestrictedGenericViewSet):
    """Person records, scoped by Person.objects.restrict (the base finds a detail action's record before the
    body is read: 404 out of scope, 403 when the reader may see the record but not take this action)."""

    serializer_class = PersonOutputSerializer
    model = Person
    # Identifiers never travel in an address: `list` tells the caller to search by POST.
    refused_query_params = {"list": frozenset({"q", "nik", "phone"})}
    # A search by POST only reads: a read-only token may search.
    read_actions = frozenset({"search"})
    restrict_actions = {
        "search": PersonAction.VIEW,
        "destroy": PersonAction.DELETE,
        "reveal": PersonAction.REVEAL,
        "create": PersonAction.VIEW,
    }

    def get_object(self) -> Person:
        if not hasattr(self, "_scoped_object"):
            self._scoped_object = self._get(
                self.kwargs[self.lookup_url_kwarg or self.lookup_field],
                self.restrict_action(),
                audit=self.action == "retrieve",
            )
        return self._scoped_object

    def _get(self, pk, action: str = PersonAction.VIEW, *, audit: bool = False) -> Person:
        try:
            return person_get(user=self.request.user, person_id=pk, action=action, audit=audit)
        except Http404:
            if action != PersonAction.VIEW:
                try:
                    person_get(user=self.request.user, person_id=pk, audit=False)
                except Http404:
                    raise
                raise PermissionDenied from None
            raise

    def _save(self, call):
        try:
            return call()
        except NikMismatchWarning as warning:
            raise NikMismatchError(
                warning.message, code="nik_mismatch", fields=warning.fields, status=400
            ) from warning

    def list(self, request):
        identifiers_given = [key for key in ("q", "nik", "phone") if request.query_params.get(key)]
        if identifiers_given:
            message = str(
                _("Search by name or identifier with POST /api/v1/people/search/, not in the address.")
            )
            raise DRFValidationError({key: [message] for key in identifiers_given})
        filters = query_params(PersonListQuerySerializer, request)
        page = self.paginate_queryset(
            person_list(user=request.user, filters=filters).prefetch_related("phones", "handles")
        )
        return self.get_paginated_response(PersonOutputSerializer(page, many=True).data)

    @action(detail=False, methods=["post"])
    def search(self, request):
        serializer = PersonSearchInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        filters = {key: data.get(key) or None for key in ("sex", "nationality", "region")}
        errors = {}
        if data.get("nik"):
            try:
                filters["nik"] = clean_nik(data["nik"])
            except NikError:
                errors["nik"] = [str(_("A NIK has exactly 16 digits."))]
        if data.get("phone"):
            try:
                filters["phone"] = identifiers.normalise_phone(data["phone"])
            except identifiers.InvalidPhoneNumber:
                errors["phone"] = [str(_("This is not a valid phone number."))]
        if errors:
            raise DRFValidationError(errors)
        people = person_list(user=request.user, query=data.get("q", ""), filters=filters)
        page = self.paginate_queryset(people.prefetch_related("phones", "handles"))
        person_search_record(user=request.user, query=data.get("q", ""), filters=filters, count=len(page))
        return self.get_paginated_response(PersonOutputSerializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        person = self.get_object()
        return Response(PersonOutputSerializer(person).data)

    def create(self, request):
        if not access.may_create_person(request.user):
            raise PermissionDenied
        serializer = PersonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        person = self._save(
            lambda: person_create(
                actor=request.user, data=_data(data), confirm_nik_mismatch=data["confirm_nik_mismatch"]
            )
        )
        person = person_get(user=request.user, person_id=person.pk, audit=False)
        return Response(PersonOutputSerializer(person).data, status=status.HTTP_201_CREATED)

    def _update(self, request, pk, *, partial: bool):
        person = self.get_object()
        serializer = (PersonPatchSerializer if partial else PersonUpdateSerializer)(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        merged = {**_current(person), **data} if partial else data
        self._save(
            lambda: person_update(
                actor=request.user,
                person_id=person.pk,
                version=data["version"],
                data=_data(merged),
                confirm_nik_mismatch=data.get("confirm_nik_mismatch", False),
            )
        )
        person = person_get(user=request.user, person_id=person.pk, audit=False)
        return Response(PersonOutputSerializer(person).data)

    def update(self, request, pk=None):
        return self._update(request, pk, partial=False)

    def partial_update(self, request, pk=None):
        return self._update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        person = self.get_object()
        person_delete(actor=request.user, person_id=person.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Show one identifier in full (recorded in the audit trail)",
        request=RevealInputSerializer,
        responses={200: RevealOutputSerializer, **ERROR_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        self.get_object()  # found by the base before the body is read: an unknown id tells nothing
        serializer = RevealInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = serializer.validated_data["field"]
        person = person_reveal(actor=request.user, person_id=int(pk), field_name=field)
        if field == RevealableField.PHONES:
            return Response({"field": field, "values": [p.number for p in person.phones.all()]})
        return Response({"field": field, "value": getattr(person, field)})
