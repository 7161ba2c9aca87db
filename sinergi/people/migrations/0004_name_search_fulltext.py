"""Name search on PostgreSQL: a GIN full-text index for word-prefix queries replaces the trigram index.

Measured at 1,000,000 people (bench/people.py): a trigram index answers `LIKE '% word%'` by reading the posting
list of the word's leading trigram ("  s" is in every name with a word starting with s), so even a precise
query cost tens of milliseconds. A full-text prefix query ('siti:* & rah:*') reads only the entries of words that
start with what was typed. See docs/decisions/0004-people-name-search.md. SQLite is left as it is.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_search_names_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_names_fts "
        "ON people_person USING gin (to_tsvector('simple'::regconfig, search_names))"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS person_search_names_fts")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS person_search_names_trgm "
        "ON people_person USING gin (search_names gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("people", "0003_trigram_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
