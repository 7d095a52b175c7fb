"""A contact recorded offline keeps the phone's id, so that a retried sync finds it.

The contact table is large in the national deployment: the column is added nullable (a change
of the catalogue only) and its unique index is built CONCURRENTLY on PostgreSQL (the migration
is not atomic), so that writes never wait for it. The state is Django's `unique=True` field.
"""

from django.db import migrations, models

TABLE, COLUMN = "cases_contact", "offline_id"


def _index_name(schema_editor) -> str:
    return schema_editor._create_index_name(TABLE, [COLUMN], suffix="_uniq")


def create_unique_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE UNIQUE INDEX {concurrently}IF NOT EXISTS {_index_name(schema_editor)} "
        f"ON {TABLE} ({COLUMN})"
    )


def drop_unique_index(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {_index_name(schema_editor)}")


FIELD_OPTIONS = dict(
    blank=True,
    editable=False,
    help_text="Drawn by the phone that recorded the contact offline: a retried sync finds it.",
    null=True,
    verbose_name="offline id",
)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    expand_contract = (
        "the column is nullable without a default and its unique index is built CONCURRENTLY"
    )

    dependencies = [
        ("cases", "0010_typed_legacy_events"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="contact",
                    name="offline_id",
                    field=models.UUIDField(unique=True, **FIELD_OPTIONS),
                ),
            ],
            database_operations=[
                migrations.AddField(
                    model_name="contact",
                    name="offline_id",
                    field=models.UUIDField(**FIELD_OPTIONS),
                ),
                migrations.RunPython(create_unique_index, drop_unique_index, elidable=False),
            ],
        ),
    ]
