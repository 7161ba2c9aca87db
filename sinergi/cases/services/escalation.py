"""Deadlines that passed: the overdue escalation run and reading notifications."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies.models import User
from sinergi.audit.choices import AuditAction
from sinergi.audit.services import audit_record
from sinergi.cases.choices import (
    CaseEventKind,
    NotificationKind,
    ReferralState,
)
from sinergi.cases.models import (
    Referral,
    Task,
)
from sinergi.cases.notifications import agency_supervisors, notify
from sinergi.cases.services._shared import _event


def cases_escalate_overdue(*, now: datetime | None = None) -> dict[str, int]:
    """Escalates every overdue referral and task ONCE to the supervisors of the responsible agency.

    A referral unanswered past its answer deadline, an accepted referral past its services deadline, and an
    open task past its due date each get their escalation mark set by a conditional UPDATE, so a second run, or
    two workers running at once, escalate nothing twice.
    """
    now = now or timezone.now()
    counts = {"referrals_unanswered": 0, "referrals_overdue": 0, "tasks": 0}
    targets = [
        (
            "referrals_unanswered",
            "escalated_unanswered_at",
            Referral.objects.filter(
                state=ReferralState.PENDING, accept_by__lt=now, escalated_unanswered_at__isnull=True
            ),
        ),
        (
            "referrals_overdue",
            "escalated_overdue_at",
            Referral.objects.filter(
                state=ReferralState.ACCEPTED, due_at__lt=now, escalated_overdue_at__isnull=True
            ),
        ),
    ]
    for key, mark, queryset in targets:
        for referral_id in list(queryset.values_list("pk", flat=True)[:5000]):
            with transaction.atomic(durable=True):
                claimed = Referral.objects.filter(pk=referral_id, **{f"{mark}__isnull": True}).update(
                    **{mark: now}
                )
                if not claimed:
                    continue
                referral = Referral.objects.select_related("case", "to_agency").get(pk=referral_id)
                case = referral.case
                what_code = "unanswered" if key == "referrals_unanswered" else "services_overdue"
                _event(
                    case,
                    CaseEventKind.REFERRAL_ESCALATED,
                    referral=referral,
                    agency=referral.to_agency,
                    need=referral.need,
                    reason=what_code,
                )
                audit_record(
                    actor=None,
                    action=AuditAction.UPDATE,
                    obj=referral,
                    summary=f"referral escalated {what_code}",
                    changes={"escalated": what_code},
                    agency=referral.to_agency,
                )

                def params(referral: Referral = referral, what_code: str = what_code) -> dict[str, str]:
                    what = (
                        _("referral not answered in time (%(need)s)")
                        if what_code == "unanswered"
                        else _("referral services overdue (%(need)s)")
                    )
                    return {"what": what % {"need": referral.get_need_display()}}

                notify(
                    agency_supervisors(referral.to_agency_id),
                    kind=NotificationKind.ESCALATION,
                    case=case,
                    params_fn=params,
                )
                counts[key] += 1
    # Only an agency that still works on the case hears of its late task: one whose referral ended, or that
    # handed the lead on, has no access to the case any more and is told nothing about it.
    still_involved = Q(case__lead_agency_id=F("owner_agency_id")) | Exists(
        Referral.objects.filter(
            case_id=OuterRef("case_id"),
            to_agency_id=OuterRef("owner_agency_id"),
            state=ReferralState.ACCEPTED,
        )
    )
    task_ids = list(
        Task.objects.filter(
            still_involved, done_at__isnull=True, due_at__lt=now, escalated_at__isnull=True
        ).values_list("pk", flat=True)[:5000]
    )
    for task_id in task_ids:
        with transaction.atomic(durable=True):
            if not Task.objects.filter(pk=task_id, escalated_at__isnull=True).update(escalated_at=now):
                continue
            task = Task.objects.select_related("case").get(pk=task_id)
            _event(task.case, CaseEventKind.TASK_ESCALATED, agency=task.owner_agency, task_id=task.pk)
            audit_record(
                actor=None,
                action=AuditAction.UPDATE,
                obj=task,
                summary="task escalated",
                changes={"escalated": True},
                agency=task.owner_agency,
            )
            notify(
                agency_supervisors(task.owner_agency_id),
                kind=NotificationKind.ESCALATION,
                case=task.case,
                params_fn=lambda: {"what": _("task past its due date")},
            )
            counts["tasks"] += 1
    return counts


def notification_mark_read(*, actor: User, notification_ids: list[int]) -> int:
    """Marks the actor's own notifications read."""
    from sinergi.cases.models import Notification

    return Notification.objects.filter(recipient=actor, pk__in=notification_ids, read_at__isnull=True).update(
        read_at=timezone.now()
    )
