# ruff: noqa: S603 - the test starts its own sender and receiver processes
"""Kill the receiver mid-delivery and the sender mid-send: every event still arrives, and each arrival of one
event carries its one key. Sender and receiver are real processes on 127.0.0.1, sharing a file database."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sinergi.exchange.events.services import new_secret

HERE = Path(__file__).parent
ROOT = HERE.parents[2]
EVENTS = 24


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout=60.0, what=""):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _report(env) -> list[str]:
    check = subprocess.run(
        [sys.executable, str(HERE / "harness.py"), "--report"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return check.stdout.split("\n", 2) if check.returncode == 0 else ["", "", ""]


def _keys(log: Path) -> list[str]:
    return log.read_text().split() if log.exists() else []


def test_kill_receiver_and_sender_every_event_arrives_once_by_key(tmp_path):
    port, secret, log = _free_port(), new_secret(), tmp_path / "received.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "SINERGI_WEBHOOK_FIRST_RETRY_SECONDS": "1",
        "SINERGI_WEBHOOK_MAX_RETRY_SECONDS": "2",
        "SINERGI_WEBHOOK_TIMEOUT_SECONDS": "2",
        "SINERGI_WEBHOOK_CLAIM_SECONDS": "3",
        "PYTHONPATH": str(ROOT),
    }
    python = sys.executable
    subprocess.run(
        [python, str(HERE / "harness.py"), str(EVENTS), f"http://127.0.0.1:{port}/hook", secret],
        env=env, cwd=ROOT, check=True, capture_output=True, timeout=300,
    )  # fmt: skip

    def receiver(*extra):
        return subprocess.Popen(
            [python, str(HERE / "receiver.py"), str(port), str(log), secret, *extra], env=env
        )

    def sender():
        return subprocess.Popen(
            [python, "manage.py", "exchange_deliver", "--loop", "--interval", "0.2"], env=env, cwd=ROOT
        )

    first_receiver = receiver("--hang-after", "6")
    first_sender = sender()
    procs = [first_receiver, first_sender]
    try:
        _wait(lambda: len(_keys(log)) >= 6, what="the first deliveries")
        time.sleep(0.5)  # the 7th request is now read and left hanging: kill the receiver mid-delivery
        first_receiver.send_signal(signal.SIGKILL)
        first_receiver.wait()
        slow_receiver = receiver("--delay", "0.4")
        procs.append(slow_receiver)
        _wait(lambda: len(_keys(log)) >= 12, what="delivery to the restarted receiver")
        first_sender.send_signal(
            signal.SIGKILL
        )  # mid-send: a request is in flight (the receiver takes 0.4 s)
        first_sender.wait()
        second_sender = sender()
        procs.append(second_sender)
        _wait(lambda: len(set(_keys(log))) >= EVENTS, timeout=120, what="every event")
        # The delivery the killed sender had in flight reached the receiver but is marked delivered only once the
        # second sender has sent it again (same key) after its claim ran out.
        _wait(lambda: _report(env)[0] == str(EVENTS), timeout=60, what="every delivery marked delivered")
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait()
    keys = _keys(log)
    assert len(set(keys)) == EVENTS  # every event arrived
    assert all(
        k.startswith("evt_") for k in keys
    )  # a repeat (after a kill) carries the same key: deduplicable
    delivered, not_delivered, event_ids = _report(env)
    assert set(event_ids.split()) == set(keys)
    assert (delivered, not_delivered) == (str(EVENTS), "0")
