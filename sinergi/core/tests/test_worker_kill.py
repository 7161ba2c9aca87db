"""A real background worker, in its own process, SIGKILLed in the middle of a task (issue 14 point 9): the task
is leased, a second worker runs it again, and each e-mail goes out exactly once.

The kill comes at a known point, not after a guessed delay: the worker's mail backend hangs on the second
message and says so in a file. Time passing (the lease) is written into the database instead of waited for.
"""

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from sinergi.cases.choices import NotificationKind
from sinergi.cases.models import Notification
from sinergi.core import worker as worker_module
from sinergi.core.testing.tasks import DB_TASKS

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def handed_over_database(tmp_path, settings):
    """A database a subprocess can open: on PostgreSQL the test database itself (this test commits); on
    SQLite, a file copy of the in-memory test database, read back through `rows`."""
    if connection.vendor == "sqlite":
        path = tmp_path / "worker.sqlite3"

        def hand_over() -> str:
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
            return f"sqlite:///{path}"

        def rows(sql: str, params=()) -> list[tuple]:
            with sqlite3.connect(path) as db:
                return db.execute(sql.replace("%s", "?"), params).fetchall()

        def update(sql: str, params=()) -> None:
            with sqlite3.connect(path) as db:
                db.execute(sql.replace("%s", "?"), params)

    else:
        db = settings.DATABASES["default"]

        def hand_over() -> str:
            return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"

        def rows(sql: str, params=()) -> list[tuple]:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        def update(sql: str, params=()) -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)

    return hand_over, rows, update


def start_worker(
    url: str,
    mail_dir: Path,
    worker_id: str,
    *,
    hang_after: int = 0,
    batch: bool = False,
    queue: str = "default",
):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sinergi.core.testing.worker_settings",
        "DATABASE_URL": url,
        "SINERGI_TEST_MAIL_DIR": str(mail_dir),
        "SINERGI_TEST_MAIL_HANG_AFTER": str(hang_after),
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "manage.py", "worker", "--worker-id", worker_id, "--interval", "0.1"]
    command += ["--queue-name", queue]
    command += ["--batch"] if batch else []
    return subprocess.Popen(  # noqa: S603 (this interpreter, manage.py and fixed arguments)
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )


def task_state(rows) -> tuple[str, list[str]]:
    """The status and workers of the one queued task (JSON comes back as text from SQLite)."""
    [(status, worker_ids)] = rows("SELECT status, worker_ids FROM django_tasks_database_dbtaskresult")
    return status, json.loads(worker_ids) if isinstance(worker_ids, str) else worker_ids


def mails(mail_dir: Path) -> list[str]:
    """The subjects-and-bodies the file backend wrote, one string per message."""
    found = []
    for path in mail_dir.iterdir():
        if path.name == "hanging":
            continue
        found += [m for m in path.read_text().split("\n" + "-" * 79 + "\n") if m.strip()]
    return found


def wait_for_hang(process, mail_dir: Path) -> int:
    """The id of the process that hangs on the second e-mail, once it does."""
    deadline = time.monotonic() + 120  # a bound on a broken run, not the test's clock
    while not (mail_dir / "hanging").exists() or not (mail_dir / "hanging").read_text():
        assert process.poll() is None, process.stdout.read().decode()
        assert time.monotonic() < deadline, "the worker never reached the second e-mail"
        time.sleep(0.05)
    return int((mail_dir / "hanging").read_text())


def notifications(user) -> list[int]:
    return [
        Notification.objects.create(
            recipient=user, kind=NotificationKind.REFERRAL, message=f"Pemberitahuan {n}"
        ).pk
        for n in range(3)
    ]


def each_sent_once(mail_dir: Path) -> bool:
    sent = mails(mail_dir)
    return sorted(n for m in sent for n in re.findall(r"\nPemberitahuan (\d)\n", m)) == ["0", "1", "2"]


def test_a_worker_killed_mid_task_has_its_task_run_again_and_every_mail_sent_once(
    handed_over_database, tmp_path, case_worker, settings
):
    from sinergi.cases.tasks import send_notification_emails

    hand_over, rows, update = handed_over_database
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    ids = [
        Notification.objects.create(
            recipient=case_worker, kind=NotificationKind.REFERRAL, message=f"Pemberitahuan {n}"
        ).pk
        for n in range(3)
    ]
    settings.TASKS = DB_TASKS
    send_notification_emails.enqueue(notification_ids=ids)
    url = hand_over()

    first = start_worker(url, mail_dir, "killed", hang_after=1)
    try:
        deadline = time.monotonic() + 120  # a bound on a broken run, not the test's clock
        while not (mail_dir / "hanging").exists():
            assert first.poll() is None, first.stdout.read().decode()
            assert time.monotonic() < deadline, "the worker never reached the second e-mail"
            time.sleep(0.05)
        first.send_signal(signal.SIGKILL)
    finally:
        first.wait()
    assert task_state(rows)[0] == "RUNNING"
    emailed = rows("SELECT id FROM cases_notification WHERE emailed_at IS NOT NULL")
    assert [row[0] for row in emailed] == ids[:1]  # the first handed off and marked; the second was in flight
    assert len(mails(mail_dir)) == 1

    # The lease runs out: the killed worker's last beat and the task's start are made older than it.
    stale = timezone.now() - timedelta(seconds=worker_module.LEASE_SECONDS + 60)
    update(
        "UPDATE core_workerheartbeat SET beat_at = %s WHERE worker_id = %s",
        (stale.isoformat(sep=" "), "killed"),
    )
    update("UPDATE django_tasks_database_dbtaskresult SET started_at = %s", (stale.isoformat(sep=" "),))

    second = start_worker(url, mail_dir, "second", batch=True)
    output, _ = second.communicate(timeout=180)
    assert second.returncode == 0, output.decode()
    status, worker_ids = task_state(rows)
    assert status == "SUCCESSFUL" and "killed" in worker_ids and "second" in worker_ids
    assert len(rows("SELECT id FROM cases_notification WHERE emailed_at IS NOT NULL")) == 3
    sent = mails(mail_dir)
    # Each notification's message once, none twice, none lost.
    assert sorted(n for m in sent for n in re.findall(r"\nPemberitahuan (\d)\n", m)) == ["0", "1", "2"]


def test_a_bulk_task_runs_in_a_child_process_whose_death_queues_it_again(
    handed_over_database, tmp_path, case_worker, settings
):
    """The bulk queue's tasks run in a forked child (its memory returns when it exits): a child killed (as by
    the out-of-memory killer) has its task queued again by its living parent, which runs it once more."""
    from sinergi.cases.tasks import send_notification_emails

    hand_over, rows, _update = handed_over_database
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    settings.TASKS = DB_TASKS
    send_notification_emails.using(queue_name="bulk").enqueue(notification_ids=notifications(case_worker))
    worker = start_worker(hand_over(), mail_dir, "parent", hang_after=1, batch=True, queue="bulk")
    try:
        child = wait_for_hang(worker, mail_dir)
        assert child != worker.pid  # the task runs in another process
        os.kill(child, signal.SIGKILL)
        output, _ = worker.communicate(timeout=180)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output.decode()
    status, worker_ids = task_state(rows)
    assert status == "SUCCESSFUL" and worker_ids == ["parent", "parent"]
    assert each_sent_once(mail_dir)
