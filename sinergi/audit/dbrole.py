"""The database role the application runs as, which does not own its tables (issue 14 point 5).

The owner (who runs the migrations) grants the application role what it needs and no more: it reads and writes
every table, but on the audit trail it may only read and append. Run after every `migrate`, as the owner:

    DATABASE_URL=postgres://sinergi_owner@db/sinergi manage.py db_app_role_grant sinergi_app

Together with the triggers of migrations 0002 and 0005, a stolen application password cannot empty or edit the
trail; only the owner could, and `audit_verify` against the signed checkpoints reports what they change.
"""

from __future__ import annotations

from django.db import connection

AUDIT_TABLE = "audit_auditentry"
DISPOSABLE_TABLE = "audit_disposable"


def app_role_grant(*, role: str, for_tests: bool = False) -> None:
    """Grants `role` the application's rights on the current database (PostgreSQL; run as the owner).

    `for_tests` also grants TRUNCATE, which the test runner uses to empty tables between browser tests; on the
    trail it still fails unless the owner marked the database disposable (`audit_disposable_mark`).
    """
    if connection.vendor != "postgresql":
        return
    name = connection.ops.quote_name(role)
    table_rights = "SELECT, INSERT, UPDATE, DELETE" + (", TRUNCATE" if for_tests else "")
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {name}")
        cursor.execute(f"GRANT {table_rights} ON ALL TABLES IN SCHEMA public TO {name}")
        cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {name}")
        # Tables that later migrations create get the same rights (the audit ones are revoked again below).
        cursor.execute(f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT {table_rights} ON TABLES TO {name}")
        cursor.execute(
            f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {name}"
        )
        revoked = "UPDATE, DELETE" + ("" if for_tests else ", TRUNCATE")
        cursor.execute(f"REVOKE {revoked} ON {AUDIT_TABLE} FROM {name}")
        cursor.execute(f"REVOKE ALL ON {DISPOSABLE_TABLE} FROM {name}")


def audit_disposable_mark() -> None:
    """Marks this database as one whose trail may be emptied (test databases only; run as the owner)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {DISPOSABLE_TABLE} DEFAULT VALUES")


def current_role_owns_audit_table() -> bool:
    """Whether the role this connection acts as owns the trail (it should not, in production)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables WHERE tablename = %s",
            [AUDIT_TABLE],
        )
        row = cursor.fetchone()
    return bool(row and row[0])
