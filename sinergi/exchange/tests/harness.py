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
    from sinergi.agencies.choices import AgencyType, Role, UserKind
    from sinergi.agencies.models import Agency, User, UserRole
    from sinergi.audit.services import audit_record
    from sinergi.exchange.models import Subscription

    agency = Agency.objects.create(code="sistem-x", name="Sistem X", type=AgencyType.POLRI)
    system = User.objects.create(username="sistem-x-api", agency=agency, kind=UserKind.SYSTEM)
    # A post event reaches only a receiver whose system user may read posts (cases.policy, POST rules).
    UserRole.objects.create(user=system, role=Role.INVESTIGATOR)
    Subscription.objects.create(
        agency=agency,
        system_user=system,
        name="X",
        endpoint_url=endpoint,
        secret=secret,
        event_types=["post.flagged"],
    )
    # The events name real posts: a receiver is told of a post only if it may read it.
    from sinergi.detection.services import post_store_batch

    analyst = User.objects.create(username="analis-x", agency=agency)
    UserRole.objects.create(user=analyst, role=Role.ANALYST)
    batch = post_store_batch(
        actor=analyst,
        results=[
            {"text": f"Lowongan kerja ke Kamboja nomor {n}", "account": f"akun{n}"} for n in range(count)
        ],
        source="api",
    )
    for post_id in batch.posts.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            audit_record(
                actor=None,
                action="transition",
                object_type="detection.screenedpost",
                object_id=str(post_id),
                summary="Post reviewed: confirm",
            )


if __name__ == "__main__":
    main()
