"""/api/v1/ endpoints of the outreach app."""

urlpatterns: list = []
