from django.urls import path

from sinergi.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("modules/<slug:module>/", views.coming_soon, name="coming_soon"),
]
