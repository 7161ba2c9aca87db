"""The invitation e-mail of a new staff member (issue 14 point 9): sent by the background worker once the user is
created, through the same once-only hand-off as every task's mail (sinergi/core/mail.py), never in the request;
a re-run of its task after a killed worker does not send it twice, and a failed hand-off does not lose it."""

from __future__ import annotations

import re
from smtplib import SMTPException
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from sinergi.agencies.choices import Role
from sinergi.agencies.models import User
from sinergi.core.models import MailHandOff
from sinergi.core.testing.tasks import DB_TASKS, claimed_by_a_dead_worker, run_worker

pytestmark = pytest.mark.django_db


class _Killed(BaseException):
    """The worker's process dying: nothing of its own error handling runs."""


@pytest.fixture
def invited(client, signed_in, agency_admin, settings, django_capture_on_commit_callbacks):
    """An administrator creates a staff member without a password: the invitation is queued, not sent."""
    settings.TASKS = DB_TASKS
    signed_in(client, agency_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("agencies:user_create"),
            {
                "username": "pekerjabaru",
                "kind": "PERSON",
                "email": "baru@example.go.id",
                "roles": [Role.CASE_WORKER],
            },
        )
    assert response.status_code == 302
    assert not mail.outbox  # the request did not wait for the mail server
    client.logout()
    return User.objects.get(username="pekerjabaru"), DBTaskResult.objects.get()


def test_the_worker_sends_the_invitation_whose_link_sets_the_password(client, invited):
    user, result = invited
    run_worker()
    assert DBTaskResult.objects.get(pk=result.pk).status == TaskResultStatus.SUCCESSFUL
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["baru@example.go.id"]
    assert "pekerjabaru" in mail.outbox[0].body and MailHandOff.objects.get().sent_at is not None
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    client.post(set_url, {"new_password1": "Fresh-secret-pass-7", "new_password2": "Fresh-secret-pass-7"})
    user.refresh_from_db()
    assert user.check_password("Fresh-secret-pass-7")


def test_a_re_run_of_the_invitation_task_after_a_killed_worker_sends_nothing_more(invited):
    _user, result = invited
    run_worker()
    # Killed after the hand-off was marked, before the task's success was recorded: its lease runs out and it
    # runs again under the same result id.
    claimed_by_a_dead_worker(result.pk)
    run_worker()
    stored = DBTaskResult.objects.get(pk=result.pk)
    assert stored.status == TaskResultStatus.SUCCESSFUL and stored.worker_ids == ["dead-0", "w-new"]
    assert stored.return_value is False  # the re-run found the invitation already handed off
    assert len(mail.outbox) == 1 and MailHandOff.objects.count() == 1


def test_an_invitation_the_mail_server_refused_is_sent_by_the_re_run(invited):
    _user, result = invited
    with mock.patch("sinergi.core.mail.send_mail", side_effect=SMTPException("relay down")):
        run_worker()
    assert DBTaskResult.objects.get(pk=result.pk).status == TaskResultStatus.FAILED
    assert MailHandOff.objects.get().sent_at is None  # not marked: still to be sent
    DBTaskResult.objects.filter(pk=result.pk).update(status=TaskResultStatus.READY)  # run again
    run_worker()
    assert len(mail.outbox) == 1 and MailHandOff.objects.get().sent_at is not None


def test_a_kill_between_the_servers_acceptance_and_the_mark_sends_it_again_never_loses_it(invited):
    """What the hand-off guarantees for the one instant no mail protocol closes (core/mail.py): the mark is
    committed after the server took the message, so a worker killed in between has it sent a second time by the
    re-run, at least once and never lost; every other kill sends it exactly once (the tests above)."""
    from django.core.mail import send_mail as deliver

    _user, result = invited

    def accepted_then_killed(*args, **kwargs):
        deliver(*args, **kwargs)
        raise _Killed

    with mock.patch("sinergi.core.mail.send_mail", accepted_then_killed):
        run_worker()
    assert len(mail.outbox) == 1 and MailHandOff.objects.get().sent_at is None
    claimed_by_a_dead_worker(result.pk)  # what the kill leaves: the task RUNNING by a silent worker
    run_worker()
    assert len(mail.outbox) == 2 and MailHandOff.objects.get().sent_at is not None
    run_worker()
    assert len(mail.outbox) == 2
