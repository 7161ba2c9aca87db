"""The API browser (Swagger UI, served from our own static files) under the site-wide CSP.

drf-spectacular's page starts Swagger UI with an inline script, which our Content-Security-Policy forbids
(`script-src 'self'`). This page loads a static init script instead and hands it the schema URL and the CSRF
token through data attributes, so the policy stays strict everywhere.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.response import Response


class ApiDocsView(SpectacularSwaggerView):
    template_name = "core/api_docs.html"

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        return Response(
            data={
                "title": self.title,
                "swagger_ui_css": self._swagger_ui_resource("swagger-ui.css"),
                "swagger_ui_bundle": self._swagger_ui_resource("swagger-ui-bundle.js"),
                "swagger_ui_standalone": self._swagger_ui_resource("swagger-ui-standalone-preset.js"),
                "favicon_href": self._swagger_ui_favicon(),
                "schema_url": self._get_schema_url(request),
                "csrf_header_name": self._get_csrf_header_name(),
                "csrf_cookie_name": settings.CSRF_COOKIE_NAME,
            },
            template_name=self.template_name,
        )
