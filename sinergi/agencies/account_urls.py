from django.contrib.auth import views as auth_views
from django.urls import path

from sinergi.agencies import account_views

app_name = "accounts"
urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="agencies/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("two-factor/", account_views.two_factor, name="two_factor"),
]
