from django.test import RequestFactory, override_settings

from sinergi.core.middleware import client_ip


def test_client_address_ignores_forwarded_header_unless_trusted():
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(request) == "10.0.0.5"


@override_settings(SINERGI_TRUST_X_FORWARDED_FOR=True)
def test_behind_the_proxy_the_address_our_proxy_added_wins_over_a_forged_one():
    forged = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    assert client_ip(forged) == "203.0.113.7"
    plain = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert client_ip(plain) == "203.0.113.7"
    missing = RequestFactory().get("/", REMOTE_ADDR="10.0.0.5")
    assert client_ip(missing) == "10.0.0.5"
