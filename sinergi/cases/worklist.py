"""What waits for a case handler, for the home page (registered with `sinergi.core.registry.register_worklist`).

Every section reads through the case selectors, so through `restrict()`: a referral addressed to the agency, an
approval on a case it leads, a deadline it is responsible for, a task of the user's own. Items name a case by its
reference and what is to be done, never a person (the worklist is shown before anyone opens a case). Each section
is one query (`counted_head`: its first rows and its count together); the overdue and this week's deadlines share
the three queries of one `deadline_list`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sinergi.agencies.choices import Role
from sinergi.cases import selectors
from sinergi.cases.access import MANAGE_ROLES, VIEW_ROLES, WRITE_ROLES
from sinergi.cases.selectors import OverdueItem
from sinergi.core.registry import WorkItem, WorkSection, counted_head

SHOWN_ITEMS = 5


def _case_href(case_id: int, anchor: str = "") -> str:
    return reverse("cases:detail", args=[case_id]) + (f"#{anchor}" if anchor else "")


def deadline_label(item: OverdueItem) -> str:
    """What a deadline is about, in words ("Answer the referral: Shelter")."""
    if item.kind == "referral_answer":
        return _("Answer to the referral: %(need)s (%(agency)s)") % {
            "need": item.referral.get_need_display(),
            "agency": item.referral.to_agency.name,
        }
    if item.kind == "referral_services":
        return _("Services of the referral: %(need)s (%(agency)s)") % {
            "need": item.referral.get_need_display(),
            "agency": item.referral.to_agency.name,
        }
    if item.kind == "task":
        return _("Task: %(title)s") % {"title": item.task.title}
    from sinergi.cases.templatetags.cases import stage_label

    return _("Stage deadline: %(stage)s") % {"stage": stage_label(item.case)}


def _deadline_items(items: list[OverdueItem], *, overdue: bool) -> tuple[WorkItem, ...]:
    anchors = {"referral_answer": "referrals", "referral_services": "referrals", "task": "tasks", "stage": ""}
    return tuple(
        WorkItem(
            label=item.case.reference,
            href=_case_href(item.case.pk, anchors[item.kind]),
            detail=deadline_label(item),
            due_at=item.due_at,
            overdue=overdue,
        )
        for item in items[:SHOWN_ITEMS]
    )


def worklist_sections(user: Any) -> list[WorkSection]:
    """The case work waiting for `user`: nothing for a user without an agency or a case-handling role."""
    if not getattr(user, "agency_id", None) or not user.has_role(*VIEW_ROLES):
        return []
    now = timezone.now()
    sections: list[WorkSection] = []

    referral_count, referrals = counted_head(selectors.referral_inbox(user=user), SHOWN_ITEMS)
    sections.append(
        WorkSection(
            key="referrals",
            title=_("Referrals awaiting our answer"),
            count=referral_count,
            href=reverse("cases:referral_inbox"),
            action=_("Answer the referrals"),
            items=tuple(
                WorkItem(
                    label=referral.case.reference,
                    href=reverse("cases:referral_inbox") + f"#answer-{referral.pk}",
                    detail=_("%(need)s, from %(agency)s")
                    % {"need": referral.get_need_display(), "agency": referral.from_agency.name},
                    due_at=referral.accept_by,
                    overdue=referral.accept_by < now,
                )
                for referral in referrals
            ),
            tone="urgent" if any(r.accept_by < now for r in referrals) else "",
            empty=_("No referral awaits your agency's answer."),
            order=10,
        )
    )

    in_service_count, in_service = counted_head(selectors.referrals_in_service(user=user), SHOWN_ITEMS)
    sections.append(
        WorkSection(
            key="services_owed",
            title=_("Accepted referrals: services to deliver"),
            count=in_service_count,
            href=reverse("cases:referral_inbox") + "?accepted=1",
            action=_("See the accepted referrals"),
            items=tuple(
                WorkItem(
                    label=referral.case.reference,
                    href=_case_href(referral.case_id, "referrals"),
                    detail=_("%(need)s, from %(agency)s")
                    % {"need": referral.get_need_display(), "agency": referral.from_agency.name},
                    due_at=referral.due_at,
                    overdue=referral.due_at < now,
                )
                for referral in in_service
            ),
            empty=_("Your agency owes no services on an accepted referral."),
            order=15,
        )
    )

    if user.has_role(Role.SUPERVISOR):
        approval_count, approvals = counted_head(selectors.approval_inbox(user=user), SHOWN_ITEMS)
        sections.append(
            WorkSection(
                key="approvals",
                title=_("Approvals awaiting your decision"),
                count=approval_count,
                href=reverse("cases:approval_inbox"),
                action=_("Decide"),
                items=tuple(
                    WorkItem(
                        label=approval.case.reference,
                        href=reverse("cases:approval_inbox") + f"#approval-{approval.pk}",
                        detail=_("%(kind)s, asked by %(name)s")
                        % {
                            "kind": approval.get_kind_display(),
                            "name": approval.requested_by.get_full_name() or approval.requested_by.username,
                        },
                    )
                    for approval in approvals
                ),
                empty=_("No approval awaits your decision."),
                order=20,
            )
        )

    if user.has_role(*MANAGE_ROLES):
        transfer_count, transfers = counted_head(selectors.transfer_inbox(user=user), SHOWN_ITEMS)
        if transfer_count:
            sections.append(
                WorkSection(
                    key="transfers",
                    title=_("Lead transfers awaiting our answer"),
                    count=transfer_count,
                    href=reverse("cases:transfer_inbox"),
                    action=_("Answer the transfers"),
                    items=tuple(
                        WorkItem(
                            label=transfer.case.reference,
                            href=reverse("cases:transfer_inbox"),
                            detail=_("from %(agency)s") % {"agency": transfer.from_agency.name},
                        )
                        for transfer in transfers
                    ),
                    order=25,
                )
            )

    week = selectors.deadline_list(user=user, until=now + timedelta(days=7))
    overdue = [item for item in week if item.due_at < now]
    due_soon = [item for item in week if item.due_at >= now]
    sections.append(
        WorkSection(
            key="overdue",
            title=_("Overdue"),
            count=len(overdue),
            href=reverse("cases:overdue"),
            action=_("See everything overdue"),
            items=_deadline_items(overdue, overdue=True),
            tone="urgent" if overdue else "",
            empty=_("Nothing is overdue."),
            order=30,
        )
    )
    sections.append(
        WorkSection(
            key="due_soon",
            title=_("Due in the next seven days"),
            count=len(due_soon),
            href=reverse("cases:overdue") + "?soon=1",
            action=_("See every deadline of the week"),
            items=_deadline_items(due_soon, overdue=False),
            tone="soon" if due_soon else "",
            empty=_("No deadline falls this week."),
            order=40,
        )
    )

    if user.has_role(*WRITE_ROLES):
        task_count, tasks = counted_head(selectors.my_open_tasks(user=user), SHOWN_ITEMS)
        sections.append(
            WorkSection(
                key="tasks",
                title=_("My tasks"),
                count=task_count,
                href=reverse("cases:my_work") + "#tasks",
                action=_("See my tasks"),
                items=tuple(
                    WorkItem(
                        label=task.case.reference,
                        href=_case_href(task.case_id, "tasks"),
                        detail=task.title,
                        due_at=task.due_at,
                        overdue=task.due_at < now,
                    )
                    for task in tasks
                ),
                empty=_("You have no open task."),
                order=50,
            )
        )
    if user.has_role(*MANAGE_ROLES):
        waiting_count, waiting = counted_head(selectors.cases_awaiting_action(user=user), SHOWN_ITEMS)
        sections.append(
            WorkSection(
                key="awaiting_action",
                title=_("Cases assigned to me, not yet acted on"),
                count=waiting_count,
                href=reverse("cases:my_work") + "#awaiting",
                action=_("See these cases"),
                items=tuple(
                    WorkItem(
                        label=case.reference,
                        href=_case_href(case.pk),
                        detail=_("reported on %(date)s")
                        % {"date": date_format(timezone.localtime(case.reported_at), "j M Y")},
                    )
                    for case in waiting
                ),
                empty=_("Every case assigned to you has had a first step."),
                order=60,
            )
        )

    unread_count, unread = counted_head(selectors.notification_list(user=user, unread_only=True), 3)
    sections.append(
        WorkSection(
            key="notifications",
            title=_("New notifications"),
            count=unread_count,
            href=reverse("cases:notifications") + "?unread=1",
            action=_("Read the notifications"),
            items=tuple(
                WorkItem(label=note.message, href=reverse("cases:notifications") + "?unread=1")
                for note in unread
            ),
            empty=_("No new notification."),
            order=70,
        )
    )
    return sections
