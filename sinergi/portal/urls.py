from django.urls import path

from sinergi.portal import views, webhooks

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("cek-lowongan/", views.check_offer, name="check_offer"),
    path("cek-perusahaan/", views.check_company, name="check_company"),
    path("lapor/", views.report, name="report"),
    path("lacak/", views.track, name="track"),
    path("lacak/tambah/", views.add_information, name="add_information"),
    path("webhooks/whatsapp/", webhooks.whatsapp_webhook, name="whatsapp_webhook"),
    path("webhooks/sms/", webhooks.sms_webhook, name="sms_webhook"),
]
