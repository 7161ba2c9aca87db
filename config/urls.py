from django.urls import include, path

from sinergi.agencies.account_views import language_switch

urlpatterns = [
    path("i18n/setlang/", language_switch, name="set_language"),
    path("accounts/", include("sinergi.agencies.account_urls")),
    path("agencies/", include("sinergi.agencies.urls")),
    path("regions/", include("sinergi.regions.urls")),
    path("people/", include("sinergi.people.urls")),
    path("audit/", include("sinergi.audit.urls")),
    path("cases/", include("sinergi.cases.urls")),
    path("detection/", include("sinergi.detection.urls")),
    path("exchange/", include("sinergi.exchange.urls")),
    path("outreach/", include("sinergi.outreach.urls")),
    path("analytics/", include("sinergi.analytics.urls")),
    path("portal/", include("sinergi.portal.urls")),
    path("api/v1/", include(("config.api_urls", "api"), namespace="api")),
    path("", include("sinergi.core.urls")),
]

handler400 = "sinergi.core.views.bad_request"
handler403 = "sinergi.core.views.permission_denied"
handler404 = "sinergi.core.views.page_not_found"
handler500 = "sinergi.core.views.server_error"
