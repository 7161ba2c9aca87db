"""Background jobs of the cases app (django-tasks). They receive ids, never objects or personal data."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override
from django_tasks import task


@task()
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mails in-app notifications to their recipients, each at most once.

    Each notification is marked as e-mailed only after the mail server accepted it, in the transaction that
    holds its row lock: a worker killed before that leaves it unmarked, and the re-run (core/worker.py queues
    the task again) sends it then; a concurrent run skips the locked row instead of sending it twice.
    """
    from sinergi.cases.models import Notification

    sent = 0
    for notification_id in notification_ids:
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient")
                .filter(pk=notification_id, emailed_at__isnull=True)
                .first()
            )
            if notification is None:
                continue
            recipient = notification.recipient
            if not recipient.email or not recipient.is_active:
                continue
            with override(recipient.preferred_language or "id"):
                subject = _("[Sinergi] %(kind)s") % {"kind": notification.get_kind_display()}
                body = notification.message + "\n\n" + _("Sign in to Sinergi to see the case.")
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [recipient.email], fail_silently=False)
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            sent += 1
    return sent


@task()
def escalate_overdue() -> dict:
    """Periodic job: escalates overdue referrals and tasks once each (safe to run twice)."""
    from sinergi.cases.services import cases_escalate_overdue

    return cases_escalate_overdue()
