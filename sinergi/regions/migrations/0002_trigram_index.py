"""pg_trgm GIN index for the region name search (PostgreSQL only; SQLite scans the 91,000 rows instead).

The autocomplete matches word prefixes with `name_search LIKE 'word%' OR name_search LIKE '% word%'`.
"""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS region_name_search_trgm "
        "ON regions_region USING gin (name_search gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS region_name_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("regions", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False)]
