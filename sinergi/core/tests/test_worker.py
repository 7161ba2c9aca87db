"""The background worker (issue 14 point 9): a dead worker's task runs again, once; a database outage is ridden
out; an e-mail is marked sent only after the mail server took it; long work has its own queue."""

from datetime import timedelta
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sinergi.cases.choices import NotificationKind
from sinergi.cases.models import Notification
from sinergi.cases.tasks import send_notification_emails
from sinergi.core import worker as worker_module
from sinergi.core.testing.tasks import DB_TASKS, claimed_by_a_dead_worker, run_worker
from sinergi.core.worker import ResilientWorker, expired_leases_requeue, heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def db_tasks(settings):
    settings.TASKS = DB_TASKS


def notifications(user, count=2) -> list[int]:
    return [
        Notification.objects.create(recipient=user, kind=NotificationKind.REFERRAL, message=f"Rujukan {n}").pk
        for n in range(count)
    ]


def test_a_task_left_running_by_a_killed_worker_runs_again_and_sends_each_mail_once(db_tasks, case_worker):
    ids = notifications(case_worker)
    result = send_notification_emails.enqueue(notification_ids=ids)
    claimed_by_a_dead_worker(result.id)
    run_worker()
    stored = DBTaskResult.objects.get(pk=result.id)
    assert stored.status == TaskResultStatus.SUCCESSFUL and stored.worker_ids == ["dead-0", "w-new"]
    assert len(mail.outbox) == 2
    assert not Notification.objects.filter(pk__in=ids, emailed_at__isnull=True).exists()
    # Run again (as after a kill between sending and recording success): nothing is sent twice.
    send_notification_emails.enqueue(notification_ids=ids)
    run_worker()
    assert len(mail.outbox) == 2


def test_a_live_workers_long_task_is_left_alone(db_tasks, case_worker):
    result = send_notification_emails.enqueue(notification_ids=notifications(case_worker))
    DBTaskResult.objects.filter(pk=result.id).update(
        status=TaskResultStatus.RUNNING, started_at=timezone.now() - timedelta(hours=1), worker_ids=["busy"]
    )
    heartbeat("busy", "bulk")
    assert expired_leases_requeue() == {"requeued": 0, "failed": 0}
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING


def test_a_task_that_killed_its_worker_too_often_is_marked_failed(db_tasks, case_worker):
    result = send_notification_emails.enqueue(notification_ids=notifications(case_worker))
    claimed_by_a_dead_worker(result.id, attempts=worker_module.MAX_ATTEMPTS)
    assert expired_leases_requeue() == {"requeued": 0, "failed": 1}
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED
    assert not mail.outbox


def test_the_worker_rides_out_a_database_outage(db_tasks, case_worker):
    ids = notifications(case_worker, count=1)
    send_notification_emails.enqueue(notification_ids=ids)
    real_claim = ResilientWorker._claim
    outage = iter([OperationalError("server closed the connection")] * 3)

    def claim(self):
        error = next(outage, None)
        if error is not None:
            raise error
        return real_claim(self)

    with (
        mock.patch.object(ResilientWorker, "_claim", claim),
        mock.patch.object(worker_module.time, "sleep") as sleep,
    ):
        run_worker()
    assert [c.args[0] for c in sleep.call_args_list[:3]] == [1.0, 2.0, 4.0]
    assert len(mail.outbox) == 1


def test_an_e_mail_is_marked_only_after_the_mail_server_took_it(db_tasks, case_worker):
    ids = notifications(case_worker, count=1)
    send_notification_emails.enqueue(notification_ids=ids)
    with mock.patch("sinergi.cases.tasks.send_mail", side_effect=SMTPException("relay down")):
        run_worker()
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED
    assert Notification.objects.get(pk=ids[0]).emailed_at is None  # not lost: still to be sent
    send_notification_emails.enqueue(notification_ids=ids)
    run_worker()
    assert len(mail.outbox) == 1 and Notification.objects.get(pk=ids[0]).emailed_at is not None


def test_long_work_has_its_own_queue(db_tasks, case_worker):
    from sinergi.detection.tasks import process_uploaded_batch

    short = send_notification_emails.enqueue(notification_ids=notifications(case_worker, count=1))
    long = process_uploaded_batch.enqueue(batch_id=0)
    assert DBTaskResult.objects.get(pk=long.id).queue_name == "bulk"
    run_worker("default")
    assert DBTaskResult.objects.get(pk=short.id).status == TaskResultStatus.SUCCESSFUL
    assert DBTaskResult.objects.get(pk=long.id).status == TaskResultStatus.READY
    run_worker("bulk")
    assert DBTaskResult.objects.get(pk=long.id).status == TaskResultStatus.SUCCESSFUL


def test_a_given_up_task_has_its_apps_handler_called_with_its_arguments_first(
    db_tasks, case_worker, monkeypatch
):
    from sinergi.core import registry

    ids = notifications(case_worker, count=1)
    result = send_notification_emails.enqueue(notification_ids=ids)
    seen = []

    def handler(**kwargs):
        # Called while the task is still RUNNING: a worker dying here leaves it for the next sweep.
        seen.append((kwargs, DBTaskResult.objects.get(pk=result.id).status))

    monkeypatch.setitem(registry._given_up, send_notification_emails.module_path, handler)
    claimed_by_a_dead_worker(result.id, attempts=worker_module.MAX_ATTEMPTS)
    assert expired_leases_requeue() == {"requeued": 0, "failed": 1}
    assert seen == [({"notification_ids": ids}, TaskResultStatus.RUNNING)]
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED
    assert expired_leases_requeue() == {"requeued": 0, "failed": 0} and len(seen) == 1


def test_a_failing_given_up_handler_is_logged_without_its_data_and_the_worker_goes_on(
    db_tasks, case_worker, monkeypatch, caplog
):
    from sinergi.core import registry

    def handler(**kwargs):
        raise ValueError("Siti Rahayu 6371014501900001")

    monkeypatch.setitem(registry._given_up, send_notification_emails.module_path, handler)
    given_up = send_notification_emails.enqueue(notification_ids=notifications(case_worker, count=1))
    claimed_by_a_dead_worker(given_up.id, attempts=worker_module.MAX_ATTEMPTS)
    waiting = send_notification_emails.enqueue(notification_ids=notifications(case_worker, count=1))
    run_worker()
    assert DBTaskResult.objects.get(pk=given_up.id).status == TaskResultStatus.FAILED
    assert DBTaskResult.objects.get(pk=waiting.id).status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1  # the given-up task's own mail was never sent: it did not run again
    logged = [
        r for r in caplog.records if r.name.startswith("sinergi") and "handler failed" in r.getMessage()
    ]
    assert len(logged) == 1 and "ValueError" in logged[0].getMessage()
    assert "Siti" not in caplog.text and "6371" not in caplog.text and not logged[0].exc_info


def test_a_given_up_handler_that_loses_the_database_gives_the_task_up_on_the_next_sweep(
    db_tasks, case_worker, monkeypatch
):
    from sinergi.core import registry

    calls = []

    def handler(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise OperationalError("server closed the connection")

    monkeypatch.setitem(registry._given_up, send_notification_emails.module_path, handler)
    result = send_notification_emails.enqueue(notification_ids=notifications(case_worker, count=1))
    claimed_by_a_dead_worker(result.id, attempts=worker_module.MAX_ATTEMPTS)
    with pytest.raises(OperationalError):
        expired_leases_requeue()
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING
    assert expired_leases_requeue() == {"requeued": 0, "failed": 1} and len(calls) == 2


def test_a_bulk_task_whose_child_process_died_too_often_is_given_up_through_its_handler(
    db_tasks, case_worker, monkeypatch
):
    import signal

    from sinergi.core import registry

    seen = []
    monkeypatch.setitem(
        registry._given_up, send_notification_emails.module_path, lambda **kw: seen.append(kw)
    )
    ids = notifications(case_worker, count=1)
    result = send_notification_emails.using(queue_name="bulk").enqueue(notification_ids=ids)
    claimed_by_a_dead_worker(result.id, attempts=worker_module.MAX_ATTEMPTS)
    worker = ResilientWorker(
        queue_names=["bulk"], interval=0, batch=True, backend_name="default", startup_delay=False,
        max_tasks=None, worker_id="parent", excluded_queue_names=[], beat_in_background=False,
        isolated_queues=("bulk",),
    )  # fmt: skip
    # The child is killed (as by the out-of-memory killer) on its last allowed run.
    with (
        mock.patch.object(worker_module.os, "fork", return_value=4242),
        mock.patch.object(worker_module.os, "waitpid", return_value=(4242, signal.SIGKILL)),
        mock.patch.object(worker_module.connections, "close_all", lambda: None),
    ):
        worker._run_in_child(DBTaskResult.objects.get(pk=result.id))
    assert seen == [{"notification_ids": ids}]
    assert DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.FAILED


def test_every_task_with_a_running_record_has_a_given_up_handler():
    """Each task that marks its record running (an export, an import, an upload, a linkage run) is ended by
    its app when the worker gives it up: without it, the record would say "running" for ever."""
    from sinergi.core.registry import given_up_handler
    from sinergi.detection.tasks import process_uploaded_batch
    from sinergi.exchange.duplicates.tasks import run_linkage
    from sinergi.exchange.exports.tasks import run_export
    from sinergi.exchange.imports.tasks import run_import

    for task in (process_uploaded_batch, run_linkage, run_export, run_import):
        assert given_up_handler(task.module_path) is not None, task.module_path
