"""Load shedding: a request that already waited too long in the queue gets a quick 503 with Retry-After.

gunicorn's sync workers take connections one at a time; when every worker is busy, requests wait in the
socket's queue, and under a burst the wait grows without bound (1.5 s measured, issue 14 point 8) while each
one still costs a full page when its turn comes. The proxy stamps every request with the time it received it
(`proxy_set_header X-Request-Start "t=${msec}";` in nginx, see docs/deploy.md); when that is older than
SINERGI_SHED_AFTER_MS the request is answered at once, before any session or database work, with
`503 Service Unavailable` and `Retry-After`, so the queue drains and the users who get through are served fast.
Without the header (no proxy, tests), nothing changes.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _

logger = logging.getLogger("sinergi.shedding")


def queued_ms(header: str, now: float | None = None) -> float | None:
    """Milliseconds since the proxy received the request, from `t=<seconds with milliseconds>` (or bare)."""
    value = header.strip().removeprefix("t=")
    try:
        started = float(value)
    except ValueError:
        return None
    if started > 1e11:  # some proxies send microseconds or milliseconds
        started /= 1e6 if started > 1e14 else 1e3
    waited = ((now or time.time()) - started) * 1000
    return waited if 0 <= waited < 3_600_000 else None


class LoadSheddingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "SINERGI_SHED_AFTER_MS", 0)
        header = request.META.get("HTTP_X_REQUEST_START")
        if limit and header:
            waited = queued_ms(header)
            if waited is not None and waited > limit:
                logger.warning("shed: queued %.0f ms", waited)
                response = HttpResponse(
                    _("Sinergi is very busy right now. Please try again in a few seconds."),
                    status=503,
                    content_type="text/plain; charset=utf-8",
                )
                response["Retry-After"] = str(settings.SINERGI_SHED_RETRY_AFTER)
                response["Cache-Control"] = "no-store"
                return response
        return self.get_response(request)
