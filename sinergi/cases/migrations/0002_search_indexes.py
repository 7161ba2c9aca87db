"""Full-text search indexes (GIN over tsvector) on PostgreSQL; SQLite searches with LIKE instead."""

from django.db import migrations

INDEXES = [
    ("cases_case_search_gin", "cases_case", "search_vector"),
    ("cases_note_search_gin", "cases_note", "search_vector"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
