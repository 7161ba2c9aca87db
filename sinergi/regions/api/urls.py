from rest_framework.routers import SimpleRouter

from sinergi.regions.api.views import RegionViewSet

router = SimpleRouter(trailing_slash=True)
router.register("regions", RegionViewSet, basename="region")
urlpatterns = router.urls
