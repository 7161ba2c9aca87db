"""/api/v1/: each app registers its endpoints in its own api/urls.py."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from sinergi.core.api.docs import ApiDocsView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # One API browser: Swagger UI, started by a static script (see sinergi/core/api/docs.py). ReDoc is not
    # offered because it injects <style> elements that the CSP refuses.
    path("docs/", ApiDocsView.as_view(url_name="api:schema"), name="docs"),
    path("", include("sinergi.agencies.api.urls")),
    path("", include("sinergi.regions.api.urls")),
    path("", include("sinergi.people.api.urls")),
    path("", include("sinergi.audit.api.urls")),
    path("", include("sinergi.cases.api.urls")),
    path("", include("sinergi.detection.api.urls")),
    path("", include("sinergi.exchange.api.urls")),
    path("", include("sinergi.outreach.api.urls")),
    path("", include("sinergi.analytics.api.urls")),
    path("", include("sinergi.portal.api.urls")),
]
