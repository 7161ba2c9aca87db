"""The stage index also carries the list order (newest report, then id), so a filtered page is read in order.

On PostgreSQL the index is built CONCURRENTLY (no lock on a large cases table); SQLite builds it plainly.
"""

from django.db import migrations, models

NEW = "case_stage_reported_idx"
OLD = "case_stage_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {NEW} ON cases_case (stage, reported_at DESC, id DESC)"
        )
        schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {OLD}")
    else:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {NEW} ON cases_case (stage, reported_at DESC, id DESC)")
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD}")


def backwards(apps, schema_editor):
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {OLD} ON cases_case (stage, reported_at DESC)")
    schema_editor.execute(f"DROP INDEX IF EXISTS {NEW}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("cases", "0002_search_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveIndex(model_name="case", name=OLD),
                migrations.AddIndex(
                    model_name="case",
                    index=models.Index(fields=["stage", "-reported_at", "-id"], name=NEW),
                ),
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
