"""Tampering with the audit table the way an intruder with database access would: raw SQL."""

from django.db import connection

TRIGGER = "audit_auditentry_append_only"


def tamper(sql: str, params=()) -> None:
    """Runs raw SQL on the audit table, switching off PostgreSQL's append-only trigger just for it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {TRIGGER}")
