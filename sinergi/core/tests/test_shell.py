import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_signed_in_home_is_not_cached_and_has_security_headers(client, case_worker, signed_in):
    signed_in(client, case_worker)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_default_language_is_indonesian(client):
    response = client.get(reverse("accounts:login"))
    assert '<html lang="id">' in response.content.decode()
