"""Tampering with the audit table the way an intruder with database access would: raw SQL."""

from django.db import connection

TRIGGER = "audit_auditentry_append_only"


def tamper(sql: str, params=()) -> None:
    """Runs raw SQL on the audit table as its owner would, switching off PostgreSQL's append-only trigger just
    for it. When the suite runs as the application role (SINERGI_TEST_DB_APP_ROLE), the intruder here has the
    owner's password: the session steps back to the role it signed in as, then returns to the application's."""
    app_role = connection.settings_dict.get("OPTIONS", {}).get("assume_role")
    with connection.cursor() as cursor:
        if app_role:
            cursor.execute("RESET ROLE")
        if connection.vendor == "postgresql":
            # Django's foreign keys are deferred: their pending checks on the rows this test inserted must run
            # first, or PostgreSQL refuses to ALTER the table inside the same transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE audit_auditentry DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE audit_auditentry ENABLE TRIGGER {TRIGGER}")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        if app_role:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(app_role)}")


def app_role() -> str | None:
    """The role the suite runs as when SINERGI_TEST_DB_APP_ROLE is set (None: the connection's own role)."""
    return connection.settings_dict.get("OPTIONS", {}).get("assume_role")


def owner_execute(sql: str, params=()) -> None:
    """Runs one statement as the role the session signed in as (the owner), then returns to the app role."""
    role = app_role()
    with connection.cursor() as cursor:
        if role:
            cursor.execute("RESET ROLE")
        cursor.execute(sql, params)
        if role:
            cursor.execute(f"SET ROLE {connection.ops.quote_name(role)}")


def record_on_chain(monkeypatch, chain: int, **kwargs):
    """One audit entry appended to `chain`, as a writer that found the others busy would (SQLite has one)."""
    from sinergi.audit import services

    monkeypatch.setattr(services, "_lock_chain", lambda: chain)
    try:
        return services.audit_record(**kwargs)
    finally:
        monkeypatch.undo()
