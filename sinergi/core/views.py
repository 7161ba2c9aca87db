"""The landing page for signed-in staff, the pages of modules still to come, and the error pages."""

import sys

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext_lazy as _

from sinergi.core import registry
from sinergi.core.api.errors import default_message, json_error_response


@login_required
def home(request):
    """The worklist: what waits for this user in every app (registry.register_worklist), most urgent first.
    A user no app has work for (no role yet) sees the sections of the site instead."""
    sections = registry.worklist_for(request.user)
    waiting = sum(section.count for section in sections)
    shown = sum(len(section.items) for section in sections)
    if shown:
        # Its rows name cases and tasks: one read entry, like any list, when it shows any.
        registry.record_read(
            actor=request.user, object_type="core.worklist", summary="worklist viewed", count=shown
        )
    return render(request, "core/home.html", {"sections": sections, "waiting": waiting})


@login_required
def coming_soon(request, module: str):
    # Only a module still to come has this page: once its app registers its own menu entry, it answers 404.
    label = registry.coming_soon_label(module)
    if label is None:
        raise Http404
    return render(request, "core/coming_soon.html", {"module": label})


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


# Error pages. Under /api/ the same errors answer in the API's JSON format, so a client that mistypes a URL
# or hits a crash still gets {"error": {...}} rather than an HTML page.


def bad_request(request, exception=None, message: str | None = None):
    """400; `message` says what was wrong when the caller knows (the page's default says only that it was)."""
    if _is_api(request):
        return json_error_response("bad_request", 400, message)
    context = {"status": 400, "title": _("Bad request"), "message": message}
    return render(request, "core/error.html", context, status=400)


def permission_denied(request, exception=None):
    if _is_api(request):
        return json_error_response("permission_denied", 403)
    return render(request, "core/error.html", {"status": 403, "title": _("Access denied")}, status=403)


def page_not_found(request, exception=None):
    if _is_api(request):
        return json_error_response("not_found", 404)
    return render(request, "core/error.html", {"status": 404, "title": _("Page not found")}, status=404)


def method_not_allowed(request, allowed: str = ""):
    """405: an address that only takes a form's POST was opened (typed, reloaded or bookmarked)."""
    if _is_api(request):
        return json_error_response(
            "method_not_allowed", 405, default_message("method_not_allowed", method=request.method)
        )
    context = {"status": 405, "title": _("This address only takes a form"), "allowed": allowed}
    return render(request, "core/error.html", context, status=405)


def csrf_failure(request, reason=""):
    """The form's CSRF token was missing or stale (usually a page left open past the session)."""
    if _is_api(request):
        return json_error_response("permission_denied", 403)
    context = {"status": 403, "title": _("The form has expired"), "csrf": True}
    return render(request, "core/error.html", context, status=403)


def server_error(request):
    # Django calls this inside the `except` of the failed request. A database that is down or restarting is
    # not a bug: the client gets 503 with Retry-After, as when the server sheds load (core/shedding.py).
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return _database_unavailable(request)
    if _is_api(request):
        return json_error_response("server_error", 500)
    # Rendered without the request's context processors: the error may have come from the database.
    return HttpResponseServerError(loader.get_template("core/error_500.html").render())


DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def _database_unavailable(request) -> HttpResponse:
    if _is_api(request):
        response: HttpResponse = json_error_response("service_unavailable", 503)
    else:
        response = HttpResponse(
            str(_("Sinergi is briefly unavailable. Please try again in a few seconds.")),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response["Retry-After"] = str(settings.SINERGI_SHED_RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response
