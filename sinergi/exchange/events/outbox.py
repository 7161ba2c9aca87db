"""The transactional outbox: an audit entry for an event-worthy action becomes an outbox event, with one
delivery per matching subscription, in the transaction of the change (sinergi.audit.listeners).

Which audit entries are events is read from their object type, action and summary, the codes the services
already write; the services themselves know nothing of events.
"""

from __future__ import annotations

import secrets

from django.db import transaction

from sinergi.exchange.choices import EventType

# (object type, action, summary prefix) -> event type; the first match wins.
RULES: tuple[tuple[str, str, str, str], ...] = (
    ("cases.case", "create", "case intake", EventType.CASE_CREATED),
    ("cases.referral", "create", "referral", EventType.REFERRAL_SENT),
    ("cases.referral", "transition", "referral accepted", EventType.REFERRAL_ACCEPTED),
    ("cases.referral", "transition", "referral declined", EventType.REFERRAL_DECLINED),
    ("cases.referral", "update", "referral escalated", EventType.REFERRAL_OVERDUE),
    ("detection.screenedpost", "transition", "Post reviewed: confirm", EventType.POST_FLAGGED),
    ("people.person", "", "people merged", EventType.PERSON_MERGED),
)


def event_type_for(entry) -> str | None:
    for object_type, action, prefix, event_type in RULES:
        same_action = not action or entry.action == action
        if entry.object_type == object_type and same_action and entry.summary.startswith(prefix):
            return event_type
    return None


def _case_id(entry) -> int | None:
    if entry.object_type == "cases.case":
        return int(entry.object_id)
    if entry.object_type == "cases.referral":
        from sinergi.cases.models import Referral

        return Referral.objects.filter(pk=entry.object_id).values_list("case_id", flat=True).first()
    return None


def _data(entry, event_type: str) -> dict:
    """Codes from the audit entry that the receiver may always read (no personal data is ever in them)."""
    changes = entry.changes or {}
    keep = {"state", "stage", "escalated", "lead_agency", "to_agency", "status"}
    return {k: v for k, v in changes.items() if k in keep}


def on_audit_entry(entry) -> None:
    """The listener registered by ExchangeConfig.ready()."""
    from sinergi.exchange.events.tasks import deliver_event
    from sinergi.exchange.models import Delivery, OutboxEvent, Subscription

    event_type = event_type_for(entry)
    if event_type is None:
        return
    event = OutboxEvent.objects.create(
        event_id=f"evt_{secrets.token_hex(12)}",
        event_type=event_type,
        object_type=entry.object_type,
        object_id=entry.object_id,
        case_id=_case_id(entry),
        agency_id=entry.agency_id,
        audit_entry_id=entry.pk,
        data=_data(entry, event_type),
        occurred_at=entry.at,
    )
    subscriptions = [
        s.pk
        for s in Subscription.objects.filter(active=True).only("pk", "event_types")
        if event_type in (s.event_types or [])
    ]
    Delivery.objects.bulk_create(
        [Delivery(event=event, subscription_id=pk, next_attempt_at=entry.at) for pk in subscriptions]
    )
    if subscriptions:
        event_pk = event.pk
        transaction.on_commit(lambda: deliver_event.enqueue(event_pk=event_pk))
