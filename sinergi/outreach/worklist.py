"""What waits for an outreach officer, for the home page (`sinergi.core.registry.register_worklist`): the events
the agency has planned, and the ones held whose participants are still to be recorded."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sinergi.core.registry import WorkItem, WorkSection, counted_head
from sinergi.outreach import selectors
from sinergi.outreach.models import can_plan_outreach

SHOWN_ITEMS = 5


def _items(events: Any) -> tuple[WorkItem, ...]:
    return tuple(
        WorkItem(
            label=event.title,
            href=reverse("outreach:event_detail", args=[event.pk]),
            detail=event.region.name if event.region_id else "",
            on=event.held_on,
        )
        for event in events
    )


def worklist_sections(user: Any) -> list[WorkSection]:
    if not can_plan_outreach(user):
        return []
    today = timezone.localdate()
    own = selectors.event_list(user=user).filter(agency_id=user.agency_id)
    planned_count, planned = counted_head(
        own.filter(held_on__gte=today).order_by("held_on", "id"), SHOWN_ITEMS
    )
    unrecorded_count, unrecorded = counted_head(
        own.filter(held_on__lt=today, participants_total=0).order_by("-held_on", "-id"), SHOWN_ITEMS
    )
    return [
        WorkSection(
            key="outreach_planned",
            title=_("Planned outreach events"),
            count=planned_count,
            href=reverse("outreach:index"),
            action=_("See the outreach events"),
            items=_items(planned),
            empty=_("No outreach event is planned."),
            order=10,
        ),
        WorkSection(
            key="outreach_unrecorded",
            title=_("Held events without participants recorded"),
            count=unrecorded_count,
            href=reverse("outreach:index"),
            action=_("Record the participants"),
            items=_items(unrecorded),
            empty=_("Every held event has its participants recorded."),
            order=20,
        ),
    ]
