"""The database settings of a DATABASE_URL: one reading for the server, the worker and the tests."""

from __future__ import annotations

from typing import Any

import dj_database_url

from config.env import env_bool


def database_settings(url: str, *, conn_max_age: int) -> dict[str, Any]:
    database: dict[str, Any] = dj_database_url.parse(  # type: ignore[assignment]
        url,
        conn_max_age=conn_max_age,
        # A kept connection is tested before a request reuses it: after PostgreSQL restarted, the first request
        # of each gunicorn worker would otherwise fail on the dead connection (bench/crash.py).
        conn_health_checks=True,
    )
    options = database.setdefault("OPTIONS", {})
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database["CONN_MAX_AGE"] = 0
        options.update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 20,
                # The web server and the background worker write to one file: a transaction takes the write
                # lock when it starts, so that it waits its turn instead of failing with "database is locked".
                "transaction_mode": "IMMEDIATE",
            }
        )
    elif database["ENGINE"] == "django.db.backends.postgresql" and env_bool(
        "DATABASE_PREPARED_STATEMENTS", True
    ):
        # Parameters bound by the server, and a statement run a few times on a connection prepared there:
        # every page runs the same dozen queries, and PostgreSQL planned each again (bench/load_profile.py: a
        # case page's database CPU 7.4 -> 4.7 ms). Off (DATABASE_PREPARED_STATEMENTS=false) behind a pooler in
        # transaction mode, which cannot keep them (docs/deploy.md).
        options.update({"server_side_binding": True, "prepare_threshold": 5})
        # The same backend, batching what would pass the protocol's count of bound parameters.
        database["ENGINE"] = "sinergi.core.postgresql"
    return database
