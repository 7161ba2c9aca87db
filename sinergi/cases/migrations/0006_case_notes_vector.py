"""Case.notes_vector: the notes' words on the case row, each weighted by its note's sensitivity (PostgreSQL's
search reads it instead of a subquery over every matching note); filled for the cases there are, GIN-indexed."""

import django.contrib.postgres.search
from django.db import migrations

# services._shared.notes_vector() as it is today, frozen in SQL: GENERAL A, INVESTIGATION B, CARE C.
NOTES_VECTOR_SQL = "UPDATE cases_case SET notes_vector = " + " || ".join(
    "setweight(to_tsvector('simple', coalesce((SELECT string_agg(n.text, ' ') FROM cases_note n "
    f"WHERE n.case_id = cases_case.id AND n.sensitivity = '{sensitivity}'), '')), '{weight}')"
    for sensitivity, weight in (("GENERAL", "A"), ("INVESTIGATION", "B"), ("CARE", "C"))
)


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        NOTES_VECTOR_SQL + " WHERE EXISTS (SELECT 1 FROM cases_note n WHERE n.case_id = cases_case.id)"
    )
    schema_editor.execute("CREATE INDEX IF NOT EXISTS cases_case_notes_gin ON cases_case USING gin (notes_vector)")


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS cases_case_notes_gin")


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_case_list_indexes")]

    operations = [
        migrations.AddField(
            model_name="case",
            name="notes_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True),
        ),
        migrations.RunPython(fill, unfill, elidable=False),
    ]
