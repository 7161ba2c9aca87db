from django.urls import path

from sinergi.exchange.agreements import views

urlpatterns = [
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_new, name="agreement_new"),
    path("agreements/<int:agreement_id>/", views.agreement_detail, name="agreement_detail"),
    path("agreements/<int:agreement_id>/sign/", views.agreement_sign, name="agreement_sign"),
    path("agreements/<int:agreement_id>/revoke/", views.agreement_revoke, name="agreement_revoke"),
]
