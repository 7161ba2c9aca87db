"""In-app notifications and their e-mails.

A notification names the case by its reference number and the agencies involved, never a person, so it carries
nothing its recipient may not see (see access.py). Rows are written in the service's transaction; e-mails leave
after commit through a django-tasks task that receives ids only.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from sinergi.agencies.choices import Role
from sinergi.cases.choices import NotificationKind
from sinergi.cases.models import Notification


def agency_staff(agency_id: int, roles: Iterable[str]):
    """Active people (not integrated systems) of an agency holding one of `roles`."""
    user_model = get_user_model()
    return (
        user_model.objects.filter(
            agency_id=agency_id, is_active=True, kind="PERSON", roles__role__in=list(roles)
        )
        .distinct()
        .order_by("id")
    )


def agency_handlers(agency_id: int):
    return agency_staff(
        agency_id, [Role.CASE_WORKER, Role.SUPERVISOR, Role.INVESTIGATOR, Role.CHILD_PROTECTION]
    )


def agency_supervisors(agency_id: int):
    return agency_staff(agency_id, [Role.SUPERVISOR])


def _render(kind: str, params: dict) -> str:
    templates = {
        NotificationKind.ASSIGNMENT: _("Case %(reference)s has been assigned to you."),
        NotificationKind.REFERRAL: _("%(agency)s referred case %(reference)s to your agency (%(need)s)."),
        NotificationKind.REFERRAL_ACCEPTED: _(
            "%(agency)s accepted the referral of case %(reference)s (%(need)s)."
        ),
        NotificationKind.REFERRAL_DECLINED: _(
            "%(agency)s declined the referral of case %(reference)s (%(need)s)."
        ),
        NotificationKind.REFERRAL_UPDATE: _("Referral of case %(reference)s (%(need)s): %(what)s."),
        NotificationKind.TRANSFER: _("Lead of case %(reference)s: %(what)s (%(agency)s)."),
        NotificationKind.APPROVAL: _("Case %(reference)s: %(what)s."),
        NotificationKind.TASK: _("Case %(reference)s: a task is due on %(due)s."),
        NotificationKind.ESCALATION: _("Overdue in case %(reference)s: %(what)s."),
    }
    text = templates[kind]
    safe = {key: str(value) for key, value in params.items()}
    return (text % safe)[:300]


def notify(recipients, *, kind: str, case, params_fn) -> list[int]:
    """Writes one notification per recipient in the recipient's language; e-mails them after commit.

    `params_fn()` returns the message parameters; it is called inside the recipient's language so that lazy
    labels (a need, a stage) are translated for each reader.
    """
    ids: list[int] = []
    seen: set[int] = set()
    for user in recipients:
        if user.pk in seen:
            continue
        seen.add(user.pk)
        with translation.override(user.preferred_language or "id"):
            params = {"reference": case.reference if case else "", **params_fn()}
            message = _render(kind, params)
        ids.append(Notification.objects.create(recipient=user, case=case, kind=kind, message=message).pk)
    if ids:
        from sinergi.cases.tasks import send_notification_emails

        transaction.on_commit(lambda: send_notification_emails.enqueue(notification_ids=ids))
    return ids
