"""Background jobs of the cases app (django-tasks). They receive ids, never objects or personal data."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mails in-app notifications to their recipients, each at most once."""
    from sinergi.cases.models import Notification

    sent = 0
    for notification in Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient"):
        recipient = notification.recipient
        if not recipient.email or not recipient.is_active:
            continue
        # Claim first, so two workers never send the same e-mail.
        if not Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        ):
            continue
        with override(recipient.preferred_language or "id"):
            subject = _("[Sinergi] %(kind)s") % {"kind": notification.get_kind_display()}
            body = notification.message + "\n\n" + _("Sign in to Sinergi to see the case.")
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email], fail_silently=False)
        sent += 1
    return sent


@task()
def escalate_overdue() -> dict:
    """Periodic job: escalates overdue referrals and tasks once each (safe to run twice)."""
    from sinergi.cases.services import cases_escalate_overdue

    return cases_escalate_overdue()
