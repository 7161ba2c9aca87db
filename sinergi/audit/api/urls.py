from rest_framework.routers import SimpleRouter

from sinergi.audit.api.views import AuditEntryViewSet

router = SimpleRouter(trailing_slash=True)
router.register("audit", AuditEntryViewSet, basename="audit-entry")
urlpatterns = router.urls
