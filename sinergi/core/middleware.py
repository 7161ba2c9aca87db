"""Cross-cutting HTTP behaviour: security headers, no caching of personal data, request context for audit."""

from __future__ import annotations

import contextlib
import contextvars
import time
from dataclasses import dataclass

from django.conf import settings

# The audit trail needs the client address of the current request, but services must not take a request
# argument; the middleware stores it here for the duration of the request.
_request_context: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "sinergi_request_context", default=None
)


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    user_agent: str


def current_request_context() -> RequestContext | None:
    return _request_context.get()


@contextlib.contextmanager
def request_context_cleared():
    """Runs a block as if outside any request: what it audits carries no client address. For work done on
    behalf of someone who must stay anonymous (a community report), even when it runs inside their request."""
    token = _request_context.set(None)
    try:
        yield
    finally:
        _request_context.reset(token)


def client_ip(request) -> str | None:
    """The client's address. Behind our reverse proxy (SINERGI_TRUST_X_FORWARDED_FOR) it is the last
    X-Forwarded-For entry: the one our proxy added. Earlier entries come from the client and can be forged."""
    if getattr(settings, "SINERGI_TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    return request.META.get("REMOTE_ADDR")


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_context.set(
            RequestContext(
                ip_address=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:200]
            )
        )
        try:
            return self.get_response(request)
        finally:
            _request_context.reset(token)


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


class SecurityHeadersMiddleware:
    """Sends CSP with frame-ancestors, and marks every authenticated response as not cacheable.

    Any page a signed-in user sees may show a victim's data, so nothing they receive may be stored by the
    browser or by a proxy on a shared government network. Static files are served before this runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.setdefault("X-Content-Type-Options", "nosniff")
        response.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        user = getattr(request, "user", None)
        if (user is not None and user.is_authenticated) or getattr(response, "sinergi_no_store", False):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


# A session's idle expiry moves forward at most this often: saving the session row on every request (Django's
# SESSION_SAVE_EVERY_REQUEST) cost a write and a commit per page, a bare view's largest part under load. The
# session then ends between SESSION_COOKIE_AGE minus this and SESSION_COOKIE_AGE after the last request.
SESSION_RENEW_SECONDS = 60
_RENEWED_AT = "_sinergi_renewed_at"


class SessionRenewalMiddleware:
    """Renews a stored session's idle expiry when the last renewal is older than SESSION_RENEW_SECONDS (or the
    session changed anyway), instead of on every request. Sits right after SessionMiddleware, which saves it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is None or not session.accessed or session.is_empty() or session.session_key is None:
            return response  # a session this request did not read, or none stored (signed out): as Django
        now = int(time.time())
        if session.modified or now - session.get(_RENEWED_AT, 0) >= SESSION_RENEW_SECONDS:
            session[_RENEWED_AT] = now  # marks it modified: SessionMiddleware saves it with a new expiry
        return response


class RejectNulCharactersMiddleware:
    """Answers 400, with a clear message, to a query string or form that carries a NUL character.

    No field of Sinergi can hold one (PostgreSQL refuses NUL in text, which would surface as a server error in
    whichever filter or form met it first), and no person types one: it comes from a broken client or a probe.
    Checking here, once, keeps every view from having to. Uploaded files are not read here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (
            request.method == "POST"
            and request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data")
            and _has_nul(request.POST)
        ):
            return _nul_refused(request)
        return self.get_response(request)


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


def _nul_refused(request):
    from django.utils.translation import gettext as _

    from sinergi.core.views import bad_request

    return bad_request(
        request, message=_("The request contains an invalid character (NUL). Remove it and send again.")
    )


class MethodNotAllowedPageMiddleware:
    """Gives the bare 405 of `require_POST` and friends a page that says what happened.

    A GET on an action address (a bookmarked or reloaded form target, a link copied from the address bar) used
    to answer an empty page. The answer keeps its status and its Allow header; under /api/ it is the API's JSON
    error, like the other error pages.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            from sinergi.core.views import method_not_allowed

            page = method_not_allowed(request, allowed=response.get("Allow", ""))
            if response.has_header("Allow"):
                page["Allow"] = response["Allow"]
            return page
        return response
