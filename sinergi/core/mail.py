"""E-mails that a background task sends at most once, however often the task runs.

Tasks are leased and run again when their worker dies (core/worker.py), so a mail sent by a task that was
killed before it finished would go out a second time on the re-run. `mail_send_once` keys each mail by a stable
id of the job (a `MailHandOff` row) and marks it in the transaction that holds the row's lock, right after the
mail server accepted the message: a kill before the hand-off leaves it unmarked and the re-run sends it; a kill
after the mark sends nothing more; a concurrent run skips the locked row. What remains is the instant between
the server's acceptance and the commit, which no mail protocol closes.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone


def mail_send_once(*, key: str, subject: str, body: str, to: list[str]) -> bool:
    """Sends the mail unless the job `key` already sent it; True when it was sent now."""
    from sinergi.core.models import MailHandOff

    MailHandOff.objects.get_or_create(key=key)
    with transaction.atomic():
        handoff = (
            MailHandOff.objects.select_for_update(skip_locked=True)
            .filter(key=key, sent_at__isnull=True)
            .first()
        )
        if handoff is None:
            return False
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=False)
        handoff.sent_at = timezone.now()
        handoff.save(update_fields=["sent_at"])
    return True
