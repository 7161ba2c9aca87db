"""Background jobs of the agencies app (django-tasks). They receive ids, never secrets or personal data."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import override
from django_tasks import task


@task()
def send_password_reset_email(user_id: int, domain: str, use_https: bool) -> bool:
    """E-mails one staff member the link to choose a new password.

    The token is made here, in the worker, so that it is never stored in the task queue; the request that
    asked for it answered at once and in the same time whether or not the address has an account.
    """
    from sinergi.agencies.forms import PasswordResetForm

    user = PasswordResetForm.reachable_users().filter(pk=user_id).first()
    if user is None or not user.email:
        return False
    context = {
        "email": user.email,
        "domain": domain,
        "site_name": domain,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "user": user,
        "token": default_token_generator.make_token(user),
        "protocol": "https" if use_https else "http",
    }
    with override(user.preferred_language or settings.LANGUAGE_CODE):
        subject = "".join(render_to_string("agencies/email/password_reset_subject.txt", context).splitlines())
        body = render_to_string("agencies/email/password_reset.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)
    return True
