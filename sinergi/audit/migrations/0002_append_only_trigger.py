"""On PostgreSQL, refuse UPDATE and DELETE on the audit trail at the database itself.

The application never changes an entry; the trigger stops anyone else with ordinary write access (a script, a
console session) from doing it quietly. TRUNCATE is left to the table owner on purpose: the test runner empties
tables with it, and an owner can drop the trigger anyway (`audit_verify` catches what they change). On SQLite
(demo and local) nothing is installed.
"""

from django.db import migrations

FUNCTION = "sinergi_audit_append_only"
TRIGGER = "audit_auditentry_append_only"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused on entry %', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON audit_auditentry;
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON audit_auditentry
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

REMOVE = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON audit_auditentry;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)


def remove(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REMOVE, params=None)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
