"""/api/v1/: each app registers its endpoints in its own api/urls.py."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("", include("sinergi.agencies.api.urls")),
    path("", include("sinergi.regions.api.urls")),
    path("", include("sinergi.people.api.urls")),
    path("", include("sinergi.audit.api.urls")),
    path("", include("sinergi.cases.api.urls")),
    path("", include("sinergi.detection.api.urls")),
]
