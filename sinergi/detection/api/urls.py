from django.urls import path
from rest_framework.routers import SimpleRouter

from sinergi.detection.api import views

router = SimpleRouter(trailing_slash=True)
router.register("detection/posts", views.PostViewSet, basename="detection-post")
router.register("detection/campaigns", views.CampaignViewSet, basename="detection-campaign")
router.register("detection/batches", views.BatchViewSet, basename="detection-batch")
router.register(
    "detection/departure-screenings", views.DepartureScreeningViewSet, basename="detection-departure"
)
urlpatterns = [
    path("detection/screen/", views.ScreenView.as_view(), name="detection-screen"),
    *router.urls,
]
