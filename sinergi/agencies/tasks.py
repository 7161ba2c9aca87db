"""Background jobs of the agencies app (django-tasks). They receive ids, never secrets or personal data."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override
from django_tasks import TaskContext, task

from sinergi.core.mail import mail_send_once


@task(takes_context=True)
def send_password_reset_email(context: TaskContext, user_id: int, domain: str, use_https: bool) -> bool:
    """E-mails one staff member the link to choose a new password, once per request for it.

    The token is made here, in the worker, so that it is never stored in the task queue; the request that
    asked for it answered at once and in the same time whether or not the address has an account. The mail is
    keyed by this task's result id, which a re-run after a killed worker keeps: it is not sent twice.
    """
    from sinergi.agencies.selectors import mail_reachable_users

    user = mail_reachable_users().filter(pk=user_id).first()
    if user is None or not user.email:
        return False
    mail_context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    with override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = "".join(
            render_to_string("agencies/email/password_reset_subject.txt", mail_context).splitlines()
        )
        body = render_to_string("agencies/email/password_reset.txt", mail_context)
    return mail_send_once(
        key=f"password-reset:{context.task_result.id}", subject=subject, body=body, to=[user.email]
    )


@task(takes_context=True)
def send_invitation_email(context: TaskContext, user_id: int, base_url: str) -> bool:
    """E-mails a new staff member the one-time link to choose their password, once per invitation.

    As for a reset, the token is made here, never stored in the queue, and its time limit counts from the
    sending, however long the task waited; it works until the user sets a password or signs in (it hashes
    both). Keyed by this task's result id, which a re-run after a killed worker keeps: it is not sent twice.
    """
    from django.urls import reverse

    from sinergi.agencies.selectors import mail_reachable_users

    user = mail_reachable_users().select_related("agency").filter(pk=user_id).first()
    if user is None or not user.email:
        return False
    link = base_url + reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    mail_context = {"user": user, "link": link, "agency": user.agency}
    with override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = "".join(
            render_to_string("agencies/email/invitation_subject.txt", mail_context).splitlines()
        )
        body = render_to_string("agencies/email/invitation.txt", mail_context)
    return mail_send_once(
        key=f"invitation:{context.task_result.id}", subject=subject, body=body, to=[user.email]
    )


@task()
def send_unlock_email(user_id: int, base_url: str) -> bool:
    """E-mails the owner of a just-locked account the link that lifts the lock (made here, never queued).

    One mail per lock, keyed by the user and the lock's end: a re-run of the task (killed worker) or a second
    task for the same lock sends nothing more; a later, longer lock gets its own mail.
    """
    from django.urls import reverse

    from sinergi.agencies.selectors import mail_reachable_users
    from sinergi.agencies.services import unlock_token_make

    user = mail_reachable_users().filter(pk=user_id, locked_until__isnull=False).first()
    if user is None or not user.email or user.locked_until is None or not user.is_locked:
        return False
    link = base_url + reverse("accounts:unlock", kwargs={"token": unlock_token_make(user)})
    context = {"user": user, "link": link, "locked_until": user.locked_until}
    with override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = "".join(render_to_string("agencies/email/unlock_subject.txt", context).splitlines())
        body = render_to_string("agencies/email/unlock.txt", context)
    return mail_send_once(
        key=f"unlock:{user.pk}:{user.locked_until.isoformat()}", subject=subject, body=body, to=[user.email]
    )
