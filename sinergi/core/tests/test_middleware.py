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


def test_a_nul_character_is_refused_with_a_clear_message_and_changes_nothing(client, case_worker, signed_in):
    from sinergi.people.models import Person

    signed_in(client, case_worker)
    page = client.get("/people/", {"q": "siti\x00"})
    assert page.status_code == 400
    assert "karakter yang tidak sah (NUL)" in page.content.decode()
    form = client.post("/people/new/", {"full_name": "Siti\x00Aminah", "sex": "F"})
    assert form.status_code == 400 and not Person.objects.exists()
    api = client.get("/api/v1/people/", {"search": "\x00"})
    assert api.status_code == 400
    assert api.json()["error"]["code"] == "bad_request" and "NUL" in api.json()["error"]["message"]
    assert client.get("/people/", {"q": "siti"}).status_code == 200


def test_pages_are_compressed_for_slow_lines(client, case_worker, signed_in):
    import gzip

    signed_in(client, case_worker)
    plain = client.get("/people/")
    packed = client.get("/people/", headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    body = gzip.decompress(packed.content)
    assert b"<html" in body and len(packed.content) < len(plain.content) / 2
    assert packed["Cache-Control"] == "no-store"  # compression keeps the no-store of a signed-in page


def test_the_idle_expiry_moves_at_most_once_a_minute_and_never_past_the_idle_time(
    client, case_worker, signed_in
):
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from sinergi.core.middleware import _RENEWED_AT, SESSION_RENEW_SECONDS

    signed_in(client, case_worker)
    client.get("/people/")
    key = client.cookies["sessionid"].value
    stored = Session.objects.get(pk=key)
    client.get("/people/")
    assert Session.objects.get(pk=key).expire_date == stored.expire_date  # within the minute: no write
    # A minute later (the renewal stamp moved back), the next request moves the expiry forward again.
    session = stored.get_decoded()
    session[_RENEWED_AT] -= SESSION_RENEW_SECONDS
    Session.objects.filter(pk=key).update(
        session_data=Session.objects.encode(session), expire_date=stored.expire_date - timedelta(seconds=60)
    )
    assert client.get("/people/").status_code == 200
    renewed = Session.objects.get(pk=key).expire_date
    assert abs((renewed - timezone.now()).total_seconds() - settings.SESSION_COOKIE_AGE) < 5
