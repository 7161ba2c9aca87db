from django.urls import path

from sinergi.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.index, name="index"),
    path("autocomplete/", views.autocomplete, name="autocomplete"),
]
