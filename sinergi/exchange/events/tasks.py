"""Background delivery of events."""

from __future__ import annotations

from django_tasks import task


@task()
def deliver_event(*, event_pk: int) -> None:
    """First attempt of a new event's deliveries; retries are picked up by `manage.py exchange_deliver`."""
    from sinergi.exchange.events.delivery import deliver_due

    deliver_due(event_pk=event_pk)
