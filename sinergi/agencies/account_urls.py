from django.urls import path

from sinergi.agencies import account_views

app_name = "accounts"
urlpatterns = [
    path("login/", account_views.login_view, name="login"),
    path("logout/", account_views.logout_view, name="logout"),
    path("two-factor/", account_views.two_factor, name="two_factor"),
    path("two-factor/setup/", account_views.two_factor_setup, name="two_factor_setup"),
    path(
        "two-factor/recovery-codes/",
        account_views.recovery_codes_regenerate,
        name="recovery_codes_regenerate",
    ),
    path("password/change/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path("password/reset/sent/", account_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("unlock/<str:token>/", account_views.unlock, name="unlock"),
    path("profile/", account_views.profile, name="profile"),
    path("profile/language/", account_views.profile_language, name="profile_language"),
    path("profile/tokens/new/", account_views.profile_token_create, name="profile_token_create"),
    path(
        "profile/tokens/<int:token_id>/revoke/",
        account_views.profile_token_revoke,
        name="profile_token_revoke",
    ),
]
