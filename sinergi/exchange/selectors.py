"""Reads of the exchange app; each starts from `restrict(user, action)`."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from sinergi.agencies.models import User
from sinergi.exchange.models import Delivery, ImportBatch, ImportRowResult, Subscription


def import_list(*, user: User) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.restrict(user, "view").select_related("created_by")


def import_get(*, user: User, batch_id: int | str) -> ImportBatch:
    try:
        batch_id = int(batch_id)
    except (TypeError, ValueError):
        raise Http404 from None
    batch = (
        ImportBatch.objects.restrict(user, "view").select_related("created_by", "agency").filter(pk=batch_id)
    )
    found = batch.first()
    if found is None:
        raise Http404
    return found


def import_rows(*, batch: ImportBatch, outcome: str = "") -> QuerySet[ImportRowResult]:
    rows = ImportRowResult.objects.filter(batch=batch)
    return rows.filter(outcome=outcome) if outcome else rows


def subscription_list(*, user: User) -> QuerySet[Subscription]:
    from django.db.models import Count, Q

    return (
        Subscription.objects.restrict(user, "view")
        .select_related("system_user", "agency")
        .annotate(
            pending=Count("deliveries", filter=Q(deliveries__status="pending")),
            delivered=Count("deliveries", filter=Q(deliveries__status="delivered")),
            dead=Count("deliveries", filter=Q(deliveries__status="dead")),
        )
    )


def delivery_list(*, user: User) -> QuerySet[Delivery]:
    return (
        Delivery.objects.filter(subscription__in=Subscription.objects.restrict(user, "view"))
        .select_related("event", "subscription")
        .order_by("-id")
    )
