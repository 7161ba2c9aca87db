"""Rate limits that hold across worker processes: the hits are counted in the database.

    if not throttle.allow("password_reset_ip", client_ip(request), limit=10, window=timedelta(hours=1)):
        ...  # refuse with 429

A limit is a scope (what is counted), a key (who), a number of hits and a window. The key is stored as a keyed
hash (sinergi.core.crypto.blind_index), so an e-mail address or an IP address is never written in clear. Two
requests at the same instant may both pass: a limit here slows abuse down, it is not an exact quota.

A hit costs one statement: the insert happens only if the window still has room, and its RETURNING says whether
it did. On PostgreSQL the table is UNLOGGED (migration 0003): a counter lost in a crash costs nothing, and not
waiting for the WAL to reach the disk on every public request is what lets the portal answer at load.
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from sinergi.core.crypto import blind_index
from sinergi.core.models import ThrottleHit

# Old hits are swept now and then rather than on every request: the sweep is a write of its own.
SWEEP_ONE_IN = 50


def allow(scope: str, key: str | None, *, limit: int, window: timedelta) -> bool:
    """Counts one hit of `key` in `scope`; False (and nothing counted) when `limit` hits already fell in `window`."""
    now = timezone.now()
    digest = blind_index(str(key or "-").strip().lower(), purpose=f"throttle:{scope}")
    adapt = connection.ops.adapt_datetimefield_value
    table = connection.ops.quote_name(ThrottleHit._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (scope, key, at) SELECT %s, %s, %s "  # noqa: S608 - the table name is ours
            f"WHERE (SELECT COUNT(*) FROM {table} WHERE scope = %s AND key = %s AND at >= %s) < %s "
            "RETURNING id",
            [scope, digest, adapt(now), scope, digest, adapt(now - window), limit],
        )
        allowed = cursor.fetchone() is not None
    if random.randrange(SWEEP_ONE_IN) == 0:
        ThrottleHit.objects.filter(scope=scope, at__lt=now - window).delete()
    return allowed
