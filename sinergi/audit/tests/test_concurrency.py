"""Appends from several connections at once still form one unbroken chain (PostgreSQL's advisory lock)."""

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
