from django.urls import path

from sinergi.exchange.duplicates import views

# Included into the exchange app's namespace (sinergi/exchange/urls.py): exchange:duplicates, ...
urlpatterns = [
    path("duplicates/", views.review, name="duplicates"),
    path("duplicates/runs/", views.run_request, name="duplicates_run"),
    path("duplicates/<int:pair_id>/decide/", views.pair_decide, name="duplicates_decide"),
    path("duplicates/<int:pair_id>/undo/", views.pair_undo, name="duplicates_undo"),
]
