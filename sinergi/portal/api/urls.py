"""/api/v1/ endpoints of the portal app."""

urlpatterns: list = []
