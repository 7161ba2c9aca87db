"""Tampering with the audit table the way an intruder with database access would: raw SQL."""

from django.db import connection

TRIGGER = "audit_auditentry_append_only"


def tamper(sql: str, params=()) -> None:
    """Runs raw SQL on the audit table, switching off PostgreSQL's append-only trigger just for it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred: their pending checks on the rows this test inserted must run
            # first, or PostgreSQL refuses to ALTER the table inside the same transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
