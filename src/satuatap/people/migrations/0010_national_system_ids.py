"""A person's CPMI ID in the national placement system (SISKOP2MI), brought in by the exchange
(placement/national), and the index that finds a record by it.

The person table is large in the national deployment: the column has a constant default (a
change of the catalogue only on PostgreSQL ≥ 11) and its partial index is built CONCURRENTLY
there (the migration is not atomic), so that writes to the registry never wait for it.
"""

from django.db import migrations, models

INDEX = "person_cpmi_id"


def create_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f'CREATE INDEX {concurrently}IF NOT EXISTS "{INDEX}" ON "people_person" ("cpmi_id") '
        "WHERE NOT (\"cpmi_id\" = '')"
    )


def drop_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f'DROP INDEX {concurrently}IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    expand_contract = "a column with a constant default and an index built CONCURRENTLY"

    dependencies = [
        ("people", "0009_name_trigram_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="cpmi_id",
            field=models.CharField(blank=True, max_length=32, verbose_name="CPMI ID (SISKOP2MI)"),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="person",
                    index=models.Index(
                        condition=~models.Q(cpmi_id=""), fields=["cpmi_id"], name=INDEX
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(create_index, drop_index, elidable=False),
            ],
        ),
    ]
