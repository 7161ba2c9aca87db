"""Reading events back from an offset, for a receiver that missed some."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from sinergi.exchange.events.access import is_integrated_system
from sinergi.exchange.events.payloads import event_payload
from sinergi.exchange.models import OutboxEvent, Subscription


def events_after(*, user, after: int, limit: int = 100) -> tuple[list[dict], int]:
    """The events of `user`'s subscriptions (an integrated system) after offset `after`, as it may see them;
    and the offset to read on from. An event it may not see is skipped, not shown."""
    if not is_integrated_system(user):
        raise PermissionDenied
    subscriptions = Subscription.objects.filter(system_user=user)
    events = (
        OutboxEvent.objects.filter(pk__gt=after, deliveries__subscription__in=subscriptions)
        .distinct()
        .order_by("pk")[:limit]
    )
    out, last = [], after
    for event in events:
        last = event.pk
        body = event_payload(event, user)
        if body is not None:
            out.append(body)
    return out, last
