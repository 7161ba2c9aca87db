"""/api/v1/ endpoints of the exchange app."""

urlpatterns: list = []
