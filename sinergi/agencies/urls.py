from django.urls import path

from sinergi.agencies import views

app_name = "agencies"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.agency_create, name="agency_create"),
    path("<slug:code>/edit/", views.agency_edit, name="agency_edit"),
    path("<slug:code>/letters/", views.letter_settings, name="letter_settings"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:user_id>/", views.user_detail, name="user_detail"),
    path("users/<int:user_id>/edit/", views.user_edit, name="user_edit"),
    path("users/<int:user_id>/disable/", views.user_disable, name="user_disable"),
    path("users/<int:user_id>/enable/", views.user_enable, name="user_enable"),
    path("users/<int:user_id>/unlock/", views.user_unlock, name="user_unlock"),
    path("users/<int:user_id>/reset-2fa/", views.user_two_factor_reset, name="user_two_factor_reset"),
    path("users/<int:user_id>/tokens/new/", views.user_token_create, name="user_token_create"),
    path(
        "users/<int:user_id>/tokens/<int:token_id>/revoke/",
        views.user_token_revoke,
        name="user_token_revoke",
    ),
]
