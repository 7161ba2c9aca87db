"""pg_trgm GIN index for the name search (PostgreSQL only; SQLite searches without it).

The search is `search_names LIKE '% word%'` for every word typed (see people/selectors.py); a trigram GIN index
answers such patterns without reading the table.
"""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_names_trgm "
        "ON people_person USING gin (search_names gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_search_names_trgm")


class Migration(migrations.Migration):
    dependencies = [("people", "0002_search_names")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index, elidable=False)]
