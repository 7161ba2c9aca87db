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

from rest_framework import serializers


def query_params(serializer_class: type[serializers.Serializer], request: Any) -> dict[str, Any]:
    """The parameters `serializer_class` declares, validated; the ones not given (or empty) are left out."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return {key: value for key, value in serializer.validated_data.items() if value not in (None, "")}


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
