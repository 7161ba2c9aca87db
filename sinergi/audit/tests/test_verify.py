"""`manage.py audit_verify` finds the first entry someone altered, removed or re-linked with raw SQL."""

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.services import HASHED_FIELDS, audit_record, entry_digest
from sinergi.audit.tests.helpers import owner_execute, tamper

pytestmark = pytest.mark.django_db

REFUSED = "append-only|permission denied"
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the append-only trigger exists only on PostgreSQL (run with DATABASE_URL=postgres://...)",
)


def verify() -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        # These tests tamper with the chain alone; the signed checkpoints have their own (test_checkpoints.py).
        call_command("audit_verify", "--no-checkpoint", stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def chain(case_worker):
    return [
        audit_record(actor=case_worker, action=AuditAction.CREATE, obj=case_worker, summary="created"),
        audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker),
        audit_record(actor=case_worker, action=AuditAction.UPDATE, obj=case_worker, changes={"f": ["phone"]}),
        audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker),
    ]


def test_empty_trail_is_intact():
    status, out, _err = verify()
    assert status == 0 and out.startswith("chain intact (0 entries)\nhead " + "0" * 64 + "\n")


def test_untouched_chain_is_intact(chain):
    status, out, _ = verify()
    assert status == 0
    assert out.startswith("chain intact (4 entries)")
    assert chain[-1].entry_hash in out


def test_altered_content_is_reported_at_that_entry(chain):
    tamper("UPDATE audit_auditentry SET summary = %s WHERE id = %s", ["nothing happened", chain[1].pk])
    status, _, err = verify()
    assert status == 1
    assert f"chain broken at entry {chain[1].pk}: altered" in err
    assert "(1 entries verified before it)" in err


def test_altered_json_changes_are_caught(chain):
    tamper("UPDATE audit_auditentry SET changes = %s WHERE id = %s", ['{"f": ["name"]}', chain[2].pk])
    status, _, err = verify()
    assert (status, f"entry {chain[2].pk}: altered" in err) == (1, True)


def test_deleted_entry_is_reported_at_the_next_one(chain):
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [chain[1].pk])
    status, _, err = verify()
    assert status == 1
    assert f"chain broken at entry {chain[2].pk}: missing" in err
    assert f"after entry {chain[0].pk}" in err


def test_deleted_first_entry_is_reported(chain):
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [chain[0].pk])
    status, _, err = verify()
    assert status == 1 and f"entry {chain[1].pk}: missing" in err and "the start of the chain" in err


def test_rewritten_and_rehashed_entry_breaks_the_next_link(chain):
    """An intruder who edits a row and recomputes its hash still cannot fix the next entry's prev_hash."""
    row = AuditEntry.objects.values(*HASHED_FIELDS).get(pk=chain[1].pk)
    row["summary"] = "harmless"
    tamper(
        "UPDATE audit_auditentry SET summary = %s, entry_hash = %s WHERE id = %s",
        ["harmless", entry_digest(row), chain[1].pk],
    )
    status, _, err = verify()
    assert status == 1 and f"entry {chain[2].pk}: missing" in err


def test_reordered_entries_are_a_broken_link(chain):
    """Entries 2 and 3 swapped (their ids exchanged): each still exists, but the order no longer links up."""
    second, third = chain[1].pk, chain[2].pk
    tamper("UPDATE audit_auditentry SET id = %s WHERE id = %s", [-1, second])
    tamper("UPDATE audit_auditentry SET id = %s WHERE id = %s", [second, third])
    tamper("UPDATE audit_auditentry SET id = %s WHERE id = %s", [third, -1])
    status, _, err = verify()
    assert status == 1
    assert f"chain broken at entry {second}: broken_link" in err
    assert f"does not link to entry {chain[0].pk}" in err


def test_a_fork_is_refused_by_the_database(chain):
    """Two entries cannot follow the same one, even when written around audit_record."""
    from django.db import IntegrityError

    row = AuditEntry.objects.values(*HASHED_FIELDS).get(pk=chain[3].pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEntry.objects.create(**{**row, "prev_hash": chain[1].entry_hash}, entry_hash="e" * 64)


@on_postgresql
def test_postgresql_refuses_update_and_delete(chain):
    # The trigger refuses the owner; the application role does not even hold the right.
    for sql in (
        "UPDATE audit_auditentry SET summary = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match=REFUSED),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [chain[0].pk])
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEntry.objects.filter(pk=chain[0].pk).update(summary="x")
    with pytest.raises(DatabaseError, match=REFUSED), transaction.atomic():
        AuditEntry.objects.filter(pk=chain[0].pk).delete()
    assert AuditEntry.objects.count() == 4
    assert verify()[0] == 0


@on_postgresql
def test_postgresql_refuses_truncate_unless_the_owner_marked_the_database_disposable(chain):
    owner_execute("DELETE FROM audit_disposable")  # as in production; rolled back with the test
    # The foreign-key checks of the rows just written must run first, or PostgreSQL refuses TRUNCATE for that.
    owner_execute("SET CONSTRAINTS ALL IMMEDIATE")
    truncate = "TRUNCATE audit_auditentry CASCADE"
    with pytest.raises(DatabaseError, match=r"TRUNCATE refused"), transaction.atomic():
        owner_execute(truncate)  # not even the owner, short of dropping the trigger
    with (
        pytest.raises(DatabaseError, match=r"TRUNCATE refused|permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(truncate)
    owner_execute("SET CONSTRAINTS ALL DEFERRED")
    assert AuditEntry.objects.count() == 4


@on_postgresql
@pytest.mark.skipif(
    not os.environ.get("SINERGI_TEST_DB_APP_ROLE"),
    reason="runs as the application role only with SINERGI_TEST_DB_APP_ROLE",
)
def test_the_application_role_owns_nothing_and_cannot_mark_the_trail_disposable(chain):
    from sinergi.audit.dbrole import current_role_owns_audit_table

    assert not current_role_owns_audit_table()
    with (
        pytest.raises(DatabaseError, match=r"permission denied"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("INSERT INTO audit_disposable DEFAULT VALUES")


@pytest.fixture
def interleaved(case_worker, monkeypatch):
    """Entries on three chains, interleaved as concurrent writers leave them: 0, 1, 2, 0, 1, 2."""
    from sinergi.audit.tests.helpers import record_on_chain

    return [
        record_on_chain(monkeypatch, index % 3, actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
        for index in range(6)
    ]


def test_interleaved_chains_are_intact_each_from_its_own_start(interleaved):
    from sinergi.audit.services import chain_genesis

    assert [entry.prev_hash for entry in interleaved[:3]] == [chain_genesis(n) for n in range(3)]
    assert [entry.prev_hash for entry in interleaved[3:]] == [entry.entry_hash for entry in interleaved[:3]]
    status, out, _ = verify()
    assert status == 0 and out.startswith("chain intact (6 entries)")
    assert f"head {interleaved[4].entry_hash} (chain 1)" in out


def test_an_entry_moved_to_another_chain_is_altered(interleaved):
    tamper("UPDATE audit_auditentry SET chain = 0 WHERE id = %s", [interleaved[4].pk])
    status, _, err = verify()
    assert status == 1 and f"chain broken at entry {interleaved[4].pk}: altered" in err


def test_an_entry_deleted_from_one_chain_is_reported_in_that_chain(interleaved):
    tamper("DELETE FROM audit_auditentry WHERE id = %s", [interleaved[1].pk])
    status, _, err = verify()
    assert status == 1 and f"chain broken at entry {interleaved[4].pk}: missing" in err
    assert "the start of the chain" in err  # chain 1 lost its first entry
