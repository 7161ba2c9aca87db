"""/api/v1/ endpoints of the exchange app."""

from django.urls import path

from sinergi.exchange.api import agreements
from sinergi.exchange.api.views import EventReplayView

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
]
