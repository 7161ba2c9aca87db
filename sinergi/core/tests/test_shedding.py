"""A request that waited too long in the queue is answered at once with 503 and Retry-After (issue 14 point 8)."""

import time

import pytest

from sinergi.core.shedding import queued_ms

pytestmark = pytest.mark.django_db


def test_a_request_queued_too_long_gets_a_quick_503_with_retry_after(client, settings):
    settings.SINERGI_SHED_AFTER_MS = 500
    stale = f"t={time.time() - 2:.3f}"
    response = client.get("/accounts/login/", headers={"X-Request-Start": stale})
    assert response.status_code == 503 and response["Retry-After"] == "2"
    assert "coba lagi" in response.content.decode().lower() or "try again" in response.content.decode()
    fresh = client.get("/accounts/login/", headers={"X-Request-Start": f"t={time.time():.3f}"})
    assert fresh.status_code == 200
    assert client.get("/accounts/login/").status_code == 200  # no proxy stamp: never shed


def test_the_proxy_stamp_is_read_in_seconds_milliseconds_or_microseconds_and_junk_is_ignored():
    now = 1_800_000_000.0
    assert queued_ms("t=1799999999.5", now) == pytest.approx(500)
    assert queued_ms("1799999999500", now) == pytest.approx(500)
    assert queued_ms("t=1799999999500000", now) == pytest.approx(500)
    assert queued_ms("t=abc", now) is None
    assert queued_ms("t=1900000000", now) is None  # from the future: a clock apart, not a queue
