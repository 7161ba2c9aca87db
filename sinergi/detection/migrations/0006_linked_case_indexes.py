"""Posts and screenings indexed by the case opened from them: every case page asks for them.

Partial (only the linked rows), built CONCURRENTLY on PostgreSQL so a large posts table is not locked; SQLite
builds them plainly.
"""

from django.db import migrations, models

INDEXES = {
    "post_linked_case_idx": ("detection_screenedpost", "screenedpost"),
    "screening_linked_case_idx": ("detection_departurescreening", "departurescreening"),
}


def forwards(apps, schema_editor):
    concurrently = " CONCURRENTLY" if schema_editor.connection.vendor == "postgresql" else ""
    for name, (table, _model) in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX{concurrently} IF NOT EXISTS {name} ON {table} (linked_case_id) "
            "WHERE linked_case_id IS NOT NULL"
        )


def backwards(apps, schema_editor):
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("detection", "0005_rendah_reads_no_red_flag_found")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name=model,
                    index=models.Index(
                        fields=["linked_case_id"],
                        condition=models.Q(linked_case_id__isnull=False),
                        name=name,
                    ),
                )
                for name, (_table, model) in INDEXES.items()
            ],
            database_operations=[migrations.RunPython(forwards, backwards)],
        )
    ]
