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
