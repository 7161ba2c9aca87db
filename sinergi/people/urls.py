from django.urls import path

from sinergi.people import views

app_name = "people"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("<int:person_id>/", views.detail, name="detail"),
    path("<int:person_id>/edit/", views.edit, name="edit"),
    path("<int:person_id>/delete/", views.delete, name="delete"),
    path("<int:person_id>/reveal/<str:field_name>/", views.reveal, name="reveal"),
]
