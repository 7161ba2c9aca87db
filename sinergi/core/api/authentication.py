"""API authentication: the browser session (for HTMX and the API browser) or a bearer token.

Tokens belong to a user; an integrated system (SIMFONI-PPA bridge, a BP3MI data pipeline) is a user of kind
`system` in its agency, so a token always carries the same agency and roles as the UI, and one permission rule
serves both. Only a hash of each token is stored. Users and tokens are the agencies app's: it registers how a
session and a token are checked (`sinergi.core.registry.register_api_authentication`); without it nothing
authenticates.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from sinergi.core import registry
from sinergi.core.api.scopes import required_scope


class SessionAuthentication(authentication.SessionAuthentication):
    """Session authentication that also requires the second factor where it is mandatory."""

    def authenticate(self, request):
        result = super().authenticate(request)
        if result is None:
            return None
        hooks = registry.api_authentication()
        if hooks is None or not hooks.session_ok(request._request):
            return None
        return result

    def authenticate_header(self, request):
        # DRF answers 403 instead of 401 when the first authenticator names no scheme; the API promises 401
        # for every unauthenticated request, so name the token scheme here too.
        return TokenAuthentication.keyword


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <secret>` (or `Token <secret>`). Revoked, expired, unknown tokens and tokens of
    disabled users all get the same 401, so a caller cannot tell which."""

    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in (b"token", b"bearer"):
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        try:
            raw = header[1].decode("ascii")
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid token header.")) from exc
        hooks = registry.api_authentication()
        user, token = hooks.token_user(raw) if hooks is not None else (None, None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        # An integrated system's token carries scopes; a person's token (scopes None) acts as its user.
        granted = getattr(token, "scopes", None)
        view = request.parser_context.get("view") if request.parser_context else None
        needed = required_scope(view, request.method) if view is not None else None
        if granted is not None and needed is not None and needed not in granted:
            raise exceptions.PermissionDenied(
                _("This token does not have the scope %(scope)s.") % {"scope": needed}
            )
        return user, token

    def authenticate_header(self, request):
        return self.keyword


class SessionAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "sinergi.core.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    target_class = "sinergi.core.api.authentication.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": (
                "A personal or integrated-system API token: `Authorization: Bearer sng_...`. A personal token "
                "acts as its user. An integrated system's token is limited to the scopes it was given "
                "(`<area>:read` for GET, `<area>:write` otherwise, `imports:write` and `exports:read` for every "
                "method of the imports and exports; each operation names its scope in "
                "`x-required-scope`): a request outside them answers 403 `permission_denied`, an expired or "
                "revoked token 401."
            ),
        }
