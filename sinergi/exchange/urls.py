from django.urls import path

from sinergi.exchange import views
from sinergi.exchange.agreements.urls import urlpatterns as agreements_urlpatterns
from sinergi.exchange.duplicates.urls import urlpatterns as duplicates_urlpatterns
from sinergi.exchange.exports import views as export_views

app_name = "exchange"
urlpatterns = [
    path("", views.index, name="index"),
    path("imports/new/", views.import_new, name="import_new"),
    path("imports/template/<str:record_type>/<str:fmt>/", views.import_template, name="import_template"),
    path("imports/<int:batch_id>/", views.import_detail, name="import_detail"),
    path("imports/<int:batch_id>/sheet/", views.import_sheet, name="import_sheet"),
    path("imports/<int:batch_id>/mapping/", views.import_mapping, name="import_mapping"),
    path("imports/<int:batch_id>/start/", views.import_start, name="import_start"),
    path("imports/<int:batch_id>/discard/", views.import_discard, name="import_discard"),
    *duplicates_urlpatterns,
    *agreements_urlpatterns,
    path("exports/", export_views.export_list, name="exports"),
    path("exports/<int:run_id>/", export_views.export_detail, name="export_detail"),
    path("exports/<int:run_id>/download/", export_views.export_download, name="export_download"),
    path("subscriptions/", views.subscriptions, name="subscriptions"),
    path("subscriptions/<int:subscription_id>/stop/", views.subscription_stop, name="subscription_stop"),
]
