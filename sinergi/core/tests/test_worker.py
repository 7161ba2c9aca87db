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
