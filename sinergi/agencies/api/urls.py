from django.urls import path
from rest_framework.routers import SimpleRouter

from sinergi.agencies.api.views import AgencyViewSet, MeView, UserViewSet

router = SimpleRouter(trailing_slash=True)
router.register("agencies", AgencyViewSet, basename="agency")
router.register("users", UserViewSet, basename="user")
urlpatterns = [path("me/", MeView.as_view(), name="me"), *router.urls]
