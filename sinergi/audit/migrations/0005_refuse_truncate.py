"""On PostgreSQL, refuse TRUNCATE on the audit trail as UPDATE and DELETE are refused (migration 0002).

A statement-level trigger raises unless the database was marked disposable by its owner: the row in
`audit_disposable` is written only by the test setup (sinergi/conftest.py), whose runner empties every table
between browser tests. The application's role has no right on that table, and the function runs with its
owner's rights, so the application cannot mark its own database disposable. On SQLite nothing is installed.
"""

from django.db import migrations

FUNCTION = "sinergi_audit_no_truncate"
TRIGGER = "audit_auditentry_no_truncate"

INSTALL = f"""
CREATE TABLE IF NOT EXISTS audit_disposable (marked_at timestamptz NOT NULL DEFAULT now());
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM audit_disposable) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'the audit trail is append-only: TRUNCATE refused'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON audit_auditentry;
CREATE TRIGGER {TRIGGER} BEFORE TRUNCATE ON audit_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON audit_auditentry;
DROP FUNCTION IF EXISTS {FUNCTION}();
DROP TABLE IF EXISTS audit_disposable;
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_ip_address_label")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
