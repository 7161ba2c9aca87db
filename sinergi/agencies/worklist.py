"""What waits for an administrator, for the home page (registered with `sinergi.core.registry.register_worklist`):
locked accounts to look at, accounts still without a second factor, and, for the platform administrator, agencies
that have nobody to manage their accounts."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.agencies import selectors
from sinergi.agencies.choices import AgencyType, Role, UserKind
from sinergi.agencies.models import Agency, UserRole
from sinergi.core.registry import WorkItem, WorkSection, counted_head

SHOWN_ITEMS = 5


def _user_items(users: Any) -> tuple[WorkItem, ...]:
    return tuple(
        WorkItem(
            label=user.get_full_name() or user.username,
            href=reverse("agencies:user_detail", args=[user.pk]),
            detail=f"{user.username} · {user.agency.name}" if user.agency_id else user.username,
        )
        for user in users
    )


def worklist_sections(user: Any) -> list[WorkSection]:
    if not selectors.can_manage_users(user):
        return []
    staff = selectors.user_list(user=user, action="change").filter(is_active=True, kind=UserKind.PERSON)
    # `agency` comes along for the items' detail line; one query per section (counted_head).
    staff = staff.select_related("agency")
    locked_count, locked = counted_head(staff.filter(locked_until__gt=timezone.now()), SHOWN_ITEMS)
    unsecured_count, without_second_factor = counted_head(
        staff.filter(totp_confirmed_at__isnull=True), SHOWN_ITEMS
    )
    sections = [
        WorkSection(
            key="locked_accounts",
            title=_("Locked accounts"),
            count=locked_count,
            href=reverse("agencies:user_list"),
            action=_("Manage the accounts"),
            items=_user_items(locked),
            tone="urgent" if locked else "",
            empty=_("No account is locked."),
            order=10,
        ),
        WorkSection(
            key="no_second_factor",
            title=_("Accounts without two-factor sign-in"),
            count=unsecured_count,
            href=reverse("agencies:user_list"),
            action=_("Manage the accounts"),
            items=_user_items(without_second_factor),
            empty=_("Every account signs in with a second factor."),
            order=20,
        ),
    ]
    if user.is_superuser:
        has_admin = UserRole.objects.filter(
            user__agency_id=OuterRef("pk"), user__is_active=True, role=Role.AGENCY_ADMIN
        )
        orphan_count, orphans = counted_head(
            Agency.objects.restrict(user, "change")
            .filter(is_active=True)
            .exclude(type=AgencyType.PLATFORM)
            .filter(~Exists(has_admin))
            .order_by("name"),
            SHOWN_ITEMS,
        )
        sections.append(
            WorkSection(
                key="agencies_without_admin",
                title=_("Agencies without an administrator"),
                count=orphan_count,
                href=reverse("agencies:index"),
                action=_("See the agencies"),
                items=tuple(
                    WorkItem(label=agency.name, href=reverse("agencies:user_create"), detail=agency.code)
                    for agency in orphans
                ),
                empty=_("Every agency has an administrator."),
                order=30,
            )
        )
    return sections
