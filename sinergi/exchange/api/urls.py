"""/api/v1/ endpoints of the exchange app."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from sinergi.exchange.api import agreements
from sinergi.exchange.api.transfers import ExportViewSet, ImportViewSet
from sinergi.exchange.api.views import EventReplayView

router = SimpleRouter(trailing_slash=True)
router.register("exchange/imports", ImportViewSet, basename="exchange-import")
router.register("exchange/exports", ExportViewSet, basename="exchange-export")

urlpatterns = [
    path("exchange/events/", EventReplayView.as_view(), name="exchange-events"),
    path("exchange/agreements/", agreements.AgreementListView.as_view(), name="exchange-agreements"),
    path(
        "exchange/agreements/<int:agreement_id>/",
        agreements.AgreementDetailView.as_view(),
        name="exchange-agreement",
    ),
    path(
        "exchange/agreements/<int:agreement_id>/sign/",
        agreements.AgreementSignView.as_view(),
        name="exchange-agreement-sign",
    ),
    path(
        "exchange/agreements/<int:agreement_id>/revoke/",
        agreements.AgreementRevokeView.as_view(),
        name="exchange-agreement-revoke",
    ),
    *router.urls,
]
