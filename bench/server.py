"""What the benchmarks that drive a real server share: gunicorn started with their settings, waited for, and
the forms they post."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from http.client import HTTPConnection
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parent.parent


def gunicorn_start(
    env: dict, port: int, *, workers: int = 2, log: IO[bytes] | None = None, wait_seconds: float = 60
) -> subprocess.Popen:
    """collectstatic, then gunicorn (sync workers) on 127.0.0.1:`port`, returned once `/bench-bare/` answers 200.

    The settings must serve the bare view (`bench.load_settings`). The server runs in a session of its own, so
    `os.killpg(server.pid, ...)` stops the master and its workers together.
    """
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    command = [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--timeout", "120", "--log-level", "warning"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            connection = HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/bench-bare/")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    os.killpg(server.pid, signal.SIGKILL)
    raise SystemExit("gunicorn did not start")


def intake_form(narrative: str) -> dict[str, str]:
    """The intake page's fields for a hotline report of one adult victim bound for Malaysia (synthetic)."""
    return {
        "intake_channel": "HOTLINE",
        "narrative": narrative,
        "destination_country": "MY",
        "victims-TOTAL_FORMS": "1",
        "victims-INITIAL_FORMS": "0",
        "victims-MIN_NUM_FORMS": "0",
        "victims-MAX_NUM_FORMS": "20",
        "victims-0-full_name": "Korban Sintetis",
        "victims-0-sex": "F",
        "victims-0-age_group": "ADULT",
    }
