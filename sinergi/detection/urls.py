from django.urls import path

from sinergi.detection import views

app_name = "detection"
urlpatterns = [
    path("", views.index, name="index"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/review/", views.campaign_review, name="campaign_review"),
    path("posts/<int:pk>/", views.post_detail, name="post"),
    path("posts/<int:pk>/review/", views.post_review, name="post_review"),
    path("upload/", views.upload, name="upload"),
    path("batches/", views.batch_list, name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch"),
    path("contacts/", views.contact_list, name="contacts"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact"),
    path("screen/", views.screen_text, name="screen"),
    path("departure/", views.departure_list, name="departures"),
    path("departure/new/", views.departure_new, name="departure_new"),
    path("departure/<int:pk>/", views.departure_detail, name="departure_detail"),
]
