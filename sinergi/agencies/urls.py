from django.urls import path

from sinergi.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.index, name="index"),
]
