"""/api/v1/ endpoints of the outreach app."""

from rest_framework.routers import SimpleRouter

from sinergi.outreach.api import views

router = SimpleRouter(trailing_slash=True)
router.register("outreach/events", views.OutreachEventViewSet, basename="outreach-event")
urlpatterns = router.urls
