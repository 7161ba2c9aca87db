"""One error format for the whole API.

    {"error": {"code": "validation_error", "message": "...", "fields": {"nik": ["..."]}}}

`code` is stable and documented; `message` is in the caller's language (Accept-Language).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from sinergi.core.errors import ApplicationError

_CODES = {
    exceptions.ValidationError: "validation_error",
    exceptions.ParseError: "parse_error",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
}


def _fields(detail):
    if isinstance(detail, dict):
        return {
            key: [str(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return None


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, ApplicationError):
        body = {"error": {"code": exc.code, "message": str(exc.message), "fields": exc.fields or None}}
        return Response(body, status=exc.status)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    detail = exc.detail if isinstance(exc, exceptions.APIException) else None
    fields = _fields(detail) if isinstance(exc, exceptions.ValidationError) else None
    if code == "validation_error":
        message = _("The data sent is not valid.")
    elif isinstance(detail, str | exceptions.ErrorDetail):
        message = str(detail)
    else:
        message = str(getattr(exc, "default_detail", _("Request failed.")))
    response.data = {"error": {"code": code, "message": message, "fields": fields}}
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF turns these into 403 when the first authenticator (the session) sends no challenge; a caller
        # without valid credentials must get 401 with the scheme to use, whatever the order of authenticators.
        response.status_code = status.HTTP_401_UNAUTHORIZED
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Token realm="api"'
    return response
