"""Query parameters are input like any other: read through a serializer, refused with 400 when malformed.

    @extend_schema(parameters=[CaseListQuerySerializer])      # the schema lists each parameter with its type
    def list(self, request):
        filters = query_params(CaseListQuerySerializer, request)

A wrong value (an impossible date, letters for an id, a code not in the list) is a validation error in the one
error format with the parameter named, never silently dropped: a filter that is ignored answers "everything",
which a caller takes for the filtered answer.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.settings import api_settings


def query_params(serializer_class: type[serializers.Serializer], request: Any) -> dict[str, Any]:
    """The parameters `serializer_class` declares, validated; the ones not given (or empty) are left out."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return {key: value for key, value in serializer.validated_data.items() if value not in (None, "")}


def date_range_checked(attrs: dict[str, Any], start: str, end: str) -> dict[str, Any]:
    """`attrs`, refused (naming `end`) when the date given as `end` comes before the one given as `start`: a
    reversed range answers nothing, which the caller would take for "none there"."""
    first, last = attrs.get(start), attrs.get(end)
    if first and last and last < first:
        raise serializers.ValidationError({end: [_("The end date is before the start date.")]})
    return attrs


class CommaSeparatedListField(serializers.ListField):
    """A list given as `level=3,4` (or `level=3&level=4`); each item is validated by `child`, so one bad item
    refuses the whole parameter instead of being dropped from it."""

    def to_internal_value(self, data):
        items = data if isinstance(data, list) else [data]
        parts = [part.strip() for item in items for part in str(item).split(",")]
        try:
            values = super().to_internal_value([part for part in parts if part])
        except serializers.ValidationError as exc:
            # DRF names a bad item by its index (`level.1`); in a query string the parameter is the input.
            details = exc.detail.values() if isinstance(exc.detail, dict) else [exc.detail]
            messages = [
                str(m) for detail in details for m in (detail if isinstance(detail, list) else [detail])
            ]
            raise serializers.ValidationError(messages) from exc
        return list(dict.fromkeys(values))


# DRF reads `?format=` itself to choose the renderer (URL_FORMAT_OVERRIDE); with JSON as the only renderer the
# schema does not list it, but `?format=json` is the usual way to ask and is answered, so it stays accepted.
STANDARD_QUERY_PARAMS = frozenset(filter(None, [api_settings.URL_FORMAT_OVERRIDE]))

_DECLARED: dict[tuple[type, str | None], frozenset[str]] = {}


class DeclaredQueryParamsMixin:
    """A GET of the API accepts only the query parameters its operation declares; any other name answers 400
    in the one error format, each unknown name in `fields` ("Parameter tidak dikenal.").

    A misspelt filter (`reportd_from`) that is ignored answers "everything", which the caller takes for the
    filtered answer, so it is refused like a malformed value. What an operation declares is read from the same
    places the schema reads (`declared_query_params`), so what is documented is what is accepted. Every API
    view derives from this (through the base viewsets in sinergi.core.api.viewsets or directly);
    sinergi/core/tests/test_api_conventions.py walks the schema and the URLs to keep it so.
    """

    # Names an action refuses itself with a message saying where they belong instead (an identifier in the
    # address: "search with POST"), so they are not reported as merely unknown: {"list": frozenset({"q"})}.
    refused_query_params: dict[str, frozenset[str]] = {}

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # Only where the method has a handler: a GET of a POST-only action stays a 405, whatever it carries.
        if request.method in ("GET", "HEAD") and getattr(self, request.method.lower(), None) is not None:
            allowed = declared_query_params(self)
            unknown = [name for name in request.query_params if name not in allowed]
            if unknown:
                raise serializers.ValidationError({name: [_("Unknown parameter.")] for name in unknown})


def declared_query_params(view: Any) -> frozenset[str]:
    """The query parameters a GET of `view` (for its action) accepts: those its `extend_schema` declares, the
    filterset's and the paginator's where the schema calls the operation a list, the standard ones and the
    ones the action refuses itself. Computed once per view class and action."""
    action = getattr(view, "action", None)
    key = (type(view), action)
    if key not in _DECLARED:
        _DECLARED[key] = _declared(view, action)
    return _DECLARED[key]


def _declared(view: Any, action: str | None) -> frozenset[str]:
    from drf_spectacular.utils import OpenApiParameter

    schema = _operation_schema(view, action)
    names = set(STANDARD_QUERY_PARAMS) | set(view.refused_query_params.get(action or "get", ()))
    for parameter in schema.get_override_parameters():
        if isinstance(parameter, OpenApiParameter):
            if parameter.location == OpenApiParameter.QUERY and not parameter.exclude:
                names.add(parameter.name)
            continue
        declared = parameter() if isinstance(parameter, type) else parameter
        names.update(name for name, field in declared.fields.items() if not field.read_only)
    # The schema's own test of "a list" decides, as it does for the parameters it documents (drf-spectacular
    # adds the filters and the pagination to exactly these operations).
    if schema._is_list_view():
        filterset = getattr(view, "filterset_class", None)
        if filterset is not None:
            names.update(filterset.base_filters)
        paginator = getattr(view, "paginator", None)
        if paginator is not None:
            names.update(p["name"] for p in paginator.get_schema_operation_parameters(view))
    return frozenset(names)


def _operation_schema(view: Any, action: str | None) -> Any:
    """The schema drf-spectacular builds for this operation (its `create_view`): the handler's
    `extend_schema`, else the view's own, bound to the view for a GET."""
    handler = getattr(view, action or "get", None)
    schema = getattr(handler, "kwargs", {}).get("schema") or view.schema
    if isinstance(schema, type):
        schema = schema()
    schema.view = view
    schema.method = "GET"
    schema.path = ""
    return schema
