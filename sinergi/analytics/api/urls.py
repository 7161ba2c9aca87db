"""/api/v1/ endpoints of the analytics app."""

urlpatterns: list = []
