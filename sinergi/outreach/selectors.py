"""Reads of the outreach app; every one starts from `OutreachEvent.objects.restrict(user, ...)`."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import Substr
from django.http import Http404

from sinergi.agencies.models import User
from sinergi.outreach.models import OutreachEvent
from sinergi.regions.selectors import within_region


def event_list(
    *,
    user: User,
    since: date | None = None,
    until: date | None = None,
    region_code: str | None = None,
    agency_id: int | None = None,
) -> QuerySet[OutreachEvent]:
    """The events the user may see, held between `since` and `until` (both included), in the region with
    this dotted code or any region inside it, organised by that agency."""
    events = OutreachEvent.objects.restrict(user, "view").select_related("region", "agency")
    if since:
        events = events.filter(held_on__gte=since)
    if until:
        events = events.filter(held_on__lte=until)
    if region_code:
        events = events.filter(within_region("region", region_code))
    if agency_id:
        events = events.filter(agency_id=agency_id)
    return events


def access_event_by_id(user: User, event_id: int | str, action: str = "view") -> OutreachEvent:
    """The event if the user may `action` it, else 404 exactly like a missing one."""
    try:
        pk = int(event_id)
    except (TypeError, ValueError) as exc:
        raise Http404 from exc
    event = (
        OutreachEvent.objects.restrict(user, action)
        .select_related("region", "agency", "created_by")
        .filter(pk=pk)
        .first()
    )
    if event is None:
        raise Http404
    return event


def may_read_attendance(user: User, event: OutreachEvent) -> bool:
    return OutreachEvent.objects.restrict(user, "attendance").filter(pk=event.pk).exists()


def coverage_by_regency(
    *, user: User, since: date | None = None, until: date | None = None
) -> dict[str, dict[str, int | str]]:
    """Held events per regency ("63.71"): how many, how many participants, the last date."""
    from django.utils import timezone

    events = event_list(user=user, since=since, until=until).filter(held_on__lte=timezone.localdate())
    rows = (
        events.annotate(regency=Substr("region_id", 1, 5))
        .values("regency")
        .annotate(events=Count("id"), participants=Sum("participants_total"), last=Max("held_on"))
    )
    return {
        row["regency"]: {
            "events": row["events"],
            "participants": row["participants"] or 0,
            "last": row["last"].isoformat(),
        }
        for row in rows
    }


def last_outreach_by_district(*, user: User) -> dict[str, date]:
    """The date of the last held event per district ("63.71.01"), an event in one of its villages included."""
    from django.utils import timezone

    rows = (
        OutreachEvent.objects.restrict(user, "view")
        .filter(held_on__lte=timezone.localdate())
        .annotate(district=Substr("region_id", 1, 8))
        .values("district")
        .annotate(last=Max("held_on"))
    )
    return {row["district"]: row["last"] for row in rows}
