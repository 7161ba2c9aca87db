"""Setting up the database the kill test's sender process uses: migrate, one subscription, N events through
the real outbox (audit entries of event-worthy actions). Run as `python harness.py N ENDPOINT SECRET`."""

from __future__ import annotations

import sys

import django


def report() -> None:
    """Delivered count, not-delivered count, then every event id, one line each."""
    django.setup()
    from sinergi.exchange.models import Delivery, OutboxEvent

    print(Delivery.objects.filter(status="delivered").count())
    print(Delivery.objects.exclude(status="delivered").count())
    print(" ".join(OutboxEvent.objects.values_list("event_id", flat=True)))


def main() -> None:
    if sys.argv[1] == "--report":
        report()
        return
    count, endpoint, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from sinergi.agencies.choices import AgencyType, UserKind
    from sinergi.agencies.models import Agency, User
    from sinergi.audit.services import audit_record
    from sinergi.exchange.models import Subscription

    agency = Agency.objects.create(code="sistem-x", name="Sistem X", type=AgencyType.POLRI)
    system = User.objects.create(username="sistem-x-api", agency=agency, kind=UserKind.SYSTEM)
    Subscription.objects.create(
        agency=agency,
        system_user=system,
        name="X",
        endpoint_url=endpoint,
        secret=secret,
        event_types=["post.flagged"],
    )
    for number in range(count):
        with transaction.atomic():
            audit_record(
                actor=None,
                action="transition",
                object_type="detection.screenedpost",
                object_id=str(number + 1),
                summary="Post reviewed: confirm",
            )


if __name__ == "__main__":
    main()
