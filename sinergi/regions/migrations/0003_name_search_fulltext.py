"""Region name search on PostgreSQL: a GIN full-text index for word-prefix queries replaces the trigram index.

Same finding as for people (docs/decisions/0004-people-name-search.md): `LIKE '% banjar%'` through pg_trgm reads
the huge posting list of the leading trigram; a prefix query on the words ('banjar:*') reads only matching words.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS region_name_search_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS region_name_search_fts "
        "ON regions_region USING gin (to_tsvector('simple'::regconfig, name_search))"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS region_name_search_fts")
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS region_name_search_trgm "
        "ON regions_region USING gin (name_search gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("regions", "0002_trigram_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
