"""The project's URLs plus `/bench-bare/`, the anchor of bench/load.py: "ok" through the whole middleware stack."""

from django.http import HttpResponse
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401 (the project's error pages)
from config.urls import urlpatterns as project_urlpatterns


def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench-bare/", bare), *project_urlpatterns]
