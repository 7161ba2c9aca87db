"""The uniform error format as an OpenAPI component, for `extend_schema(responses=...)`.

    from sinergi.core.api.schema import error_responses

    @extend_schema(responses={200: ThingOutputSerializer, **error_responses(400, 401, 403, 404)})

Each status gets the `Error` schema and a description naming its codes; pass `descriptions={409: "..."}` to
name an endpoint's own codes.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

DEFAULT_DESCRIPTIONS = {
    400: "`validation_error` (messages per input in `fields`), `parse_error`, or a domain code",
    401: "`not_authenticated` or `authentication_failed`",
    403: "`permission_denied`: the user's roles do not allow this",
    404: "`not_found`: no such record, or one outside the caller's scope",
    405: "`method_not_allowed`",
    409: "`conflict`: someone else changed the record first",
    429: "`throttled`",
}

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "error": inline_serializer(
            name="ErrorDetail",
            fields={
                "code": serializers.CharField(help_text="Stable code to program against (docs/api.md)"),
                "message": serializers.CharField(help_text="In the caller's language (Accept-Language)"),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    allow_null=True,
                    help_text="Messages per invalid input; null when the error is not about the input",
                ),
            },
        )
    },
)


def error_responses(*statuses: int, descriptions: dict[int, str] | None = None) -> dict[int, OpenApiResponse]:
    descriptions = {**DEFAULT_DESCRIPTIONS, **(descriptions or {})}
    return {
        status: OpenApiResponse(response=ErrorSerializer, description=descriptions.get(status, ""))
        for status in statuses
    }


class ScopedAutoSchema(AutoSchema):
    """drf-spectacular's schema, with the scope an integrated system's token needs on every operation."""

    def get_operation(self, *args: Any, **kwargs: Any) -> Any:
        from sinergi.core.api.scopes import required_scope

        operation = super().get_operation(*args, **kwargs)
        scope = required_scope(self.view, self.method)
        if operation is not None and scope is not None:
            operation["x-required-scope"] = scope
        return operation
