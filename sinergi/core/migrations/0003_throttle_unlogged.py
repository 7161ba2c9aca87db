from django.db import migrations


def unlogged(apps, schema_editor):
    # Rate-limit counters need no crash safety; skipping the WAL makes each public request one cheap write.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_throttlehit SET UNLOGGED")


def logged(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE core_throttlehit SET LOGGED")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_worker_heartbeat")]

    operations = [migrations.RunPython(unlogged, logged)]
