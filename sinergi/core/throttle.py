"""Rate limits that hold across worker processes: the hits are counted in the database.

    if not throttle.allow("password_reset_ip", client_ip(request), limit=10, window=timedelta(hours=1)):
        ...  # refuse with 429

A limit is a scope (what is counted), a key (who), a number of hits and a window. The key is stored as a keyed
hash (sinergi.core.crypto.blind_index), so an e-mail address or an IP address is never written in clear. Two
requests at the same instant may both pass: a limit here slows abuse down, it is not an exact quota.
"""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from sinergi.core.crypto import blind_index
from sinergi.core.models import ThrottleHit


def allow(scope: str, key: str | None, *, limit: int, window: timedelta) -> bool:
    """Counts one hit of `key` in `scope`; False (and nothing counted) when `limit` hits already fell in `window`."""
    now = timezone.now()
    digest = blind_index(str(key or "-").strip().lower(), purpose=f"throttle:{scope}")
    with transaction.atomic():
        # Old hits of this scope go as new ones come: the table stays as small as the traffic of one window.
        ThrottleHit.objects.filter(scope=scope, at__lt=now - window).delete()
        recent = ThrottleHit.objects.filter(scope=scope, key=digest, at__gte=now - window).count()
        if recent >= limit:
            return False
        ThrottleHit.objects.create(scope=scope, key=digest, at=now)
    return True
