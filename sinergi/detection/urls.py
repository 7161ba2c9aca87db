from django.urls import path

from sinergi.detection import views

app_name = "detection"
urlpatterns = [
    path("", views.index, name="index"),
]
