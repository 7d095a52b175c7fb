"""Name search takes its candidates from a trigram index (people/name_index.py).

PostgreSQL: the pg_trgm and btree_gin extensions and a GIN index on the active records'
(office_id::integer, name_key) — trigrams of the name, within the office, so that a search reads
only its office's part of the national table; the office as integer because btree_gin has no
bigint = integer operator and Django writes the office as an integer — built CONCURRENTLY (the migration is not atomic), so
that writes to the registry never wait for it. SQLite: an FTS5 table with the trigram
tokenizer, filled from the active records and kept in step by triggers; each row carries its
office as one token of its own (three times the character U+F0000 + office id), so that a
search reads only its office's rows. The SQL is written out here, as it was when this migration was made;
`people.name_index.ensure_sqlite_index` re-creates the triggers after a later migration that
rebuilds the person table.
"""

from django.contrib.postgres.operations import BtreeGinExtension, TrigramExtension
from django.db import migrations

PG_INDEX = "person_active_name_trgm"
PG_CREATE = (
    f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {PG_INDEX} ON people_person "
    "USING gin ((office_id::integer), name_key gin_trgm_ops) "
    "WHERE merged_into_id IS NULL AND anonymised_at IS NULL"
)
PG_DROP = f"DROP INDEX CONCURRENTLY IF EXISTS {PG_INDEX}"

ACTIVE = "new.merged_into_id IS NULL AND new.anonymised_at IS NULL AND new.name_key != ''"
TAG = "char(983040 + {row}.office_id, 983040 + {row}.office_id, 983040 + {row}.office_id)"
SQLITE_CREATE = [
    "CREATE VIRTUAL TABLE people_name_index "
    "USING fts5(name_key, office_tag, office_id UNINDEXED, tokenize='trigram')",
    "INSERT INTO people_name_index(rowid, name_key, office_tag, office_id) "
    f"SELECT id, name_key, {TAG.format(row='people_person')}, office_id FROM people_person "
    "WHERE merged_into_id IS NULL AND anonymised_at IS NULL AND name_key != ''",
    f"""CREATE TRIGGER people_name_index_insert AFTER INSERT ON people_person
    WHEN {ACTIVE}
    BEGIN
        INSERT INTO people_name_index(rowid, name_key, office_tag, office_id)
        VALUES (new.id, new.name_key, {TAG.format(row="new")}, new.office_id);
    END""",
    f"""CREATE TRIGGER people_name_index_update
    AFTER UPDATE OF name_key, office_id, merged_into_id, anonymised_at ON people_person
    WHEN old.name_key IS NOT new.name_key OR old.office_id IS NOT new.office_id
        OR (old.merged_into_id IS NULL) != (new.merged_into_id IS NULL)
        OR (old.anonymised_at IS NULL) != (new.anonymised_at IS NULL)
    BEGIN
        DELETE FROM people_name_index WHERE rowid = old.id;
        INSERT INTO people_name_index(rowid, name_key, office_tag, office_id)
        SELECT new.id, new.name_key, {TAG.format(row="new")}, new.office_id WHERE {ACTIVE};
    END""",
    """CREATE TRIGGER people_name_index_delete AFTER DELETE ON people_person
    BEGIN
        DELETE FROM people_name_index WHERE rowid = old.id;
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS people_name_index_insert",
    "DROP TRIGGER IF EXISTS people_name_index_update",
    "DROP TRIGGER IF EXISTS people_name_index_delete",
    "DROP TABLE IF EXISTS people_name_index",
]


class OnPostgresOnly:
    """Django's extension operations skip other databases going forwards, not backwards."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class TrigramExtensionOnPostgres(OnPostgresOnly, TrigramExtension):
    pass


class BtreeGinExtensionOnPostgres(OnPostgresOnly, BtreeGinExtension):
    pass


def create_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": [PG_CREATE], "sqlite": SQLITE_CREATE}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


def drop_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"postgresql": [PG_DROP], "sqlite": SQLITE_DROP}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    expand_contract = "the GIN index is built CONCURRENTLY; on SQLite a new table and triggers"

    dependencies = [("people", "0008_statusevent_typed_notes")]

    operations = [
        TrigramExtensionOnPostgres(),
        BtreeGinExtensionOnPostgres(),
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
