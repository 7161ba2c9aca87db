"""The database rate limit: a window of N hits per key, refused hits not counted, old hits swept."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from sinergi.core import throttle
from sinergi.core.models import ThrottleHit

pytestmark = pytest.mark.django_db
WINDOW = timedelta(minutes=10)


def test_a_key_passes_until_its_limit_and_other_keys_are_counted_apart():
    assert [throttle.allow("t", "10.0.0.1", limit=3, window=WINDOW) for _ in range(5)] == [
        True,
        True,
        True,
        False,
        False,
    ]
    assert throttle.allow("t", "10.0.0.2", limit=3, window=WINDOW)
    assert throttle.allow("other", "10.0.0.1", limit=3, window=WINDOW)
    # A refused hit is not counted, so a client that stops is let in again once its window has passed.
    assert ThrottleHit.objects.filter(scope="t").count() == 4


def test_the_window_slides():
    start = timezone.now()
    with mock.patch("sinergi.core.throttle.timezone.now", return_value=start):
        assert throttle.allow("t", "k", limit=1, window=WINDOW)
        assert not throttle.allow("t", "k", limit=1, window=WINDOW)
    with mock.patch("sinergi.core.throttle.timezone.now", return_value=start + WINDOW - timedelta(seconds=1)):
        assert not throttle.allow("t", "k", limit=1, window=WINDOW)
    with mock.patch("sinergi.core.throttle.timezone.now", return_value=start + WINDOW + timedelta(seconds=1)):
        assert throttle.allow("t", "k", limit=1, window=WINDOW)


def test_old_hits_are_swept_and_keys_are_never_stored_in_clear():
    old = timezone.now() - 2 * WINDOW
    with mock.patch("sinergi.core.throttle.timezone.now", return_value=old):
        throttle.allow("t", "10.1.1.1", limit=5, window=WINDOW)
    with mock.patch("sinergi.core.throttle.random.randrange", return_value=0):
        throttle.allow("t", "10.1.1.2", limit=5, window=WINDOW)
    assert ThrottleHit.objects.filter(scope="t").count() == 1
    assert "10.1.1" not in " ".join(ThrottleHit.objects.values_list("key", flat=True))
