# The graph's links between integer node ids (sinergi/analytics/nodes.py); the tables are refilled by the
# rebuild, so they start empty.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("analytics", "0002_monthly_figures"),
    ]

    operations = [
        migrations.DeleteModel(name="GraphEdge"),
        migrations.CreateModel(
            name="GraphNode",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("key", models.CharField(max_length=80, unique=True)),
                ("kind", models.CharField(max_length=12)),
            ],
        ),
        migrations.CreateModel(
            name="GraphEdge",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("source_id", models.BigIntegerField()),
                ("target_id", models.BigIntegerField()),
                ("case_id", models.BigIntegerField(blank=True, null=True)),
                ("post_id", models.BigIntegerField(blank=True, null=True)),
                ("person_id", models.BigIntegerField(blank=True, null=True)),
                ("part", models.CharField(max_length=16)),
                ("seen", models.DateField(blank=True, null=True)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["case_id"], name="graphedge_case_idx"),
                    models.Index(fields=["post_id"], name="graphedge_post_idx"),
                    models.Index(fields=["person_id"], name="graphedge_person_idx"),
                    models.Index(fields=["source_id"], name="graphedge_source_idx"),
                    models.Index(fields=["target_id"], name="graphedge_target_idx"),
                ],
            },
        ),
    ]
