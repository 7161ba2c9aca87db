"""Appends from several connections at once: each chain stays unbroken (one advisory lock per chain), and
writers spread over the chains instead of waiting for one."""

import threading

import pytest
from django.db import connection, connections, transaction

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.selectors import audit_chain_verify
from sinergi.audit.services import audit_record

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs concurrent connections to one database: run with DATABASE_URL=postgres://...",
)


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_never_fork_the_chain(agency):
    start = threading.Barrier(4)
    errors = []

    def writer(index):
        try:
            start.wait()
            for step in range(15):
                with transaction.atomic():
                    audit_record(
                        actor=None,
                        agency=agency,
                        action=AuditAction.VIEW,
                        object_type="people.person",
                        object_id=f"{index}-{step}",
                    )
        except Exception as exc:  # surfaced below: a thread's failure must fail the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == 60
    assert AuditEntry.objects.values("prev_hash").distinct().count() == 60
    report = audit_chain_verify()
    assert report.intact and report.count == 60


@pytest.mark.django_db(transaction=True)
def test_a_writer_does_not_wait_for_another_writers_chain(agency):
    """While one transaction holds its chain (until it commits), another appends on a free chain at once."""
    holding, release, errors = threading.Event(), threading.Event(), []
    held = {}

    def slow_writer():
        try:
            with transaction.atomic():
                held["entry"] = audit_record(
                    actor=None, agency=agency, action=AuditAction.VIEW, object_type="system", object_id="slow"
                )
                holding.set()
                release.wait(timeout=30)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        connection._sinergi_audit_chain = held["entry"].chain  # prefers the busy chain: must move on
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting for the busy chain would fail here
            quick = audit_record(
                actor=None, agency=agency, action=AuditAction.VIEW, object_type="system", object_id="quick"
            )
    finally:
        release.set()
        thread.join()
    assert errors == []
    assert quick.chain != held["entry"].chain
    assert AuditEntry.objects.values("chain").distinct().count() == 2
    assert audit_chain_verify().intact
