"""/api/v1/ endpoints of the exchange app."""

from django.urls import path

from sinergi.exchange.api.views import EventReplayView

urlpatterns = [path("exchange/events/", EventReplayView.as_view(), name="exchange-events")]
