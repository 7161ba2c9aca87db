"""One error format for the whole API.

    {"error": {"code": "validation_error", "message": "...", "fields": {"nik": ["..."]}}}

`code` is stable and documented (docs/api.md); `message` is in the caller's language (Accept-Language);
`fields` maps each invalid input to its messages (a nested item by its dotted path: `parties.1.role`), and is
null for errors that are not about the input.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
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


def default_message(code: str, **params) -> str:
    """Our own wording for the standard errors, translated in sinergi/core (DRF's Indonesian is partial)."""
    messages = {
        "validation_error": _("The data sent is not valid."),
        "parse_error": _("The request body could not be read: send valid JSON."),
        "authentication_failed": _("The credentials are not valid."),
        "not_authenticated": _(
            "Authentication required: sign in, or send the header Authorization: Bearer <your token>."
        ),
        "permission_denied": _("You do not have permission for this action."),
        "not_found": _("Not found, or not available to you."),
        "method_not_allowed": _("The method %(method)s is not allowed here.")
        % {"method": params.get("method")},
        "not_acceptable": _("The requested response format is not available."),
        "unsupported_media_type": _("Unsupported content type: send application/json."),
        "throttled": (
            _("Too many requests. Try again in %(seconds)s seconds.") % {"seconds": params["wait"]}
            if params.get("wait")
            else _("Too many requests. Try again later.")
        ),
        "server_error": _("Something went wrong on the server. The error has been recorded."),
        "service_unavailable": _("Sinergi is briefly unavailable. Please try again in a few seconds."),
        "bad_request": _("The request could not be understood."),
    }
    return messages.get(code, _("The request failed."))


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or None}}


def _fields(detail):
    """DRF's error tree flattened to one dotted path per input: `parties.1.role` for the role of the second
    party, so a nested item's error reads like any other field's (and never as the repr of a dict)."""
    if not isinstance(detail, dict | list):
        return None
    fields: dict[str, list[str]] = {}
    _flatten(detail, "", fields)
    return fields


def _flatten(detail, path: str, fields: dict[str, list[str]]) -> None:
    if isinstance(detail, dict):
        for key, value in detail.items():
            _flatten(value, f"{path}.{key}" if path else str(key), fields)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        # A list of items (each a dict of its own errors, empty for a valid item), not a list of messages.
        for index, item in enumerate(detail):
            if item:
                _flatten(item, f"{path}.{index}" if path else str(index), fields)
    else:
        messages = detail if isinstance(detail, list) else [detail]
        fields.setdefault(path or "non_field_errors", []).extend(str(message) for message in messages)


def _message(exc, code: str, request) -> str:
    if isinstance(exc, exceptions.MethodNotAllowed):
        return default_message(code, method=getattr(request, "method", ""))
    if isinstance(exc, exceptions.Throttled):
        wait = getattr(exc, "wait", None)  # set by DRF on every Throttled, missing from its stubs
        return default_message(code, wait=int(wait) if wait else None)
    detail = getattr(exc, "detail", None)
    # A message the raising code wrote itself (a token "expired", a specific refusal) is kept; DRF's generic
    # defaults are replaced by ours, which are translated.
    if (
        isinstance(detail, str)
        and code not in ("validation_error", "throttled")
        and str(detail) != str(type(exc).default_detail)
    ):
        return str(detail)
    return default_message(code)


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
        # A service names the whole input "__all__" as Django forms do; the API's name for it is DRF's.
        fields = {("non_field_errors" if k == "__all__" else k): v for k, v in (exc.fields or {}).items()}
        return Response(error_body(exc.code, str(exc.message), fields), status=exc.status)

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = next((c for cls, c in _CODES.items() if isinstance(exc, cls)), "error")
    fields = _fields(exc.detail) if isinstance(exc, exceptions.ValidationError) else None
    response.data = error_body(code, _message(exc, code, context.get("request")), fields)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed):
        # DRF turns these into 403 when the first authenticator (the session) sends no challenge; a caller
        # without valid credentials must get 401 with the scheme to use, whatever the order of authenticators.
        response.status_code = status.HTTP_401_UNAUTHORIZED
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = "Bearer"
    return response


def json_error_response(code: str, status_code: int, message: str | None = None) -> JsonResponse:
    """The same format for errors raised outside DRF views (an unknown /api/ URL, a crash): see core/views.py."""
    return JsonResponse(error_body(code, message or default_message(code)), status=status_code)
