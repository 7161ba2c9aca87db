"""Every password-reset request that sends no mail writes one security-log line: the reason, keyed hashes of the
address and the client, never either in clear. The page answers the same whatever the reason (bar the 429)."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from sinergi.core.crypto import log_digest
from sinergi.core.testing.factories import SystemUserFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("accounts:password_reset")
DONE = reverse("accounts:password_reset_done")
CLIENT = log_digest("127.0.0.1", kind="client")


def security_lines(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "sinergi.security"]


def refused(reason: str, email: str | None) -> str:
    return f"password reset refused: {reason} (address {log_digest(email, kind='email')}, client {CLIENT})"


def assert_nothing_in_clear(caplog, *values: str) -> None:
    for value in (*values, "127.0.0.1"):
        assert value.lower() not in caplog.text.lower()


def test_a_known_address_gets_its_mail_and_no_line(client, case_worker, caplog):
    assert client.post(URL, {"email": case_worker.email})["Location"] == DONE
    assert len(mail.outbox) == 1
    assert security_lines(caplog) == []


def test_an_unknown_address_is_logged_hashed_and_answered_like_a_known_one(client, case_worker, caplog):
    unknown = client.post(URL, {"email": "Nobody@Example.go.id"})
    known = client.post(URL, {"email": case_worker.email})
    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == DONE
    assert security_lines(caplog) == [refused("unknown address", "nobody@example.go.id")]
    assert_nothing_in_clear(caplog, "nobody@example.go.id", "nobody")


def test_a_disabled_account_and_an_integrated_system_are_logged_with_their_reason(client, agency, caplog):
    UserFactory(username="left", agency=agency, email="left@example.go.id", is_active=False)
    SystemUserFactory(username="bridge", agency=agency, email="bridge@example.go.id")
    for email in ("left@example.go.id", "bridge@example.go.id"):
        assert client.post(URL, {"email": email})["Location"] == DONE
    assert len(mail.outbox) == 0
    assert security_lines(caplog) == [
        refused("account disabled", "left@example.go.id"),
        refused("integrated system", "bridge@example.go.id"),
    ]
    assert_nothing_in_clear(caplog, "left@example.go.id", "bridge@example.go.id", "left", "bridge")


@override_settings(SINERGI_RESET_PER_EMAIL=1, SINERGI_RESET_PER_IP=3)
def test_throttled_requests_are_logged_per_address_and_per_client(client, case_worker, caplog):
    assert client.post(URL, {"email": case_worker.email}).status_code == 302
    assert client.post(URL, {"email": case_worker.email}).status_code == 429
    assert client.post(URL, {"email": "lain@example.go.id"}).status_code == 302
    assert client.post(URL, {"email": "lain2@example.go.id"}).status_code == 429
    assert security_lines(caplog) == [
        refused("throttled per address", case_worker.email),
        refused("unknown address", "lain@example.go.id"),
        refused("throttled per client", "lain2@example.go.id"),
    ]
    assert_nothing_in_clear(caplog, case_worker.email, "lain@example.go.id", "lain2@example.go.id")


def test_input_that_is_no_address_is_logged_without_it(client, caplog):
    response = client.post(URL, {"email": "not-an-address"})
    assert response.status_code == 200 and response.context["form"].errors
    assert security_lines(caplog) == [refused("invalid input", None)]
    assert "not-an-address" not in caplog.text


def test_the_hashes_are_keyed(settings):
    digest = log_digest("nobody@example.go.id", kind="email")
    settings.SINERGI_FIELD_KEY = "another-key"
    assert log_digest("nobody@example.go.id", kind="email") != digest
