from django.urls import path

from sinergi.outreach import views

app_name = "outreach"
urlpatterns = [
    path("", views.index, name="index"),
    path("events/new/", views.event_new, name="event_new"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/data.json", views.coverage_data, name="coverage_data"),
]
