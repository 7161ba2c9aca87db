"""The landing page for signed-in staff, the pages of modules still to come, and the error pages."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

UPCOMING_MODULES = {
    "exchange": _("Data exchange"),
    "outreach": _("Outreach"),
    "analytics": _("Analytics"),
}


@login_required
def home(request):
    return render(request, "core/home.html")


@login_required
def coming_soon(request, module: str):
    if module not in UPCOMING_MODULES:
        raise Http404
    return render(request, "core/coming_soon.html", {"module": UPCOMING_MODULES[module]})


def bad_request(request, exception=None):
    return render(request, "core/error.html", {"status": 400, "title": _("Bad request")}, status=400)


def permission_denied(request, exception=None):
    return render(request, "core/error.html", {"status": 403, "title": _("Access denied")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "core/error.html", {"status": 404, "title": _("Page not found")}, status=404)


def server_error(request):
    return render(request, "core/error.html", {"status": 500, "title": _("Something went wrong")}, status=500)
