from django.conf import settings


def platform(request):
    return {"SINERGI_DEMO": settings.SINERGI_DEMO, "SINERGI_REQUIRE_2FA": settings.SINERGI_REQUIRE_2FA}
