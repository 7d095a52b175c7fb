"""Candidates for name search from a trigram index, so that its cost does not grow with the
whole office.

Name search (`people.search`) used to rank every active record of the office with `rank_names`:
linear in the office's size. Now an index gives at most `CANDIDATES` records whose `name_key`
shares the most trigrams with the query's key, and only those are ranked by `rank_names` (same
scores, same threshold). The index holds the active records only (not merged, not anonymised),
so an anonymised or merged record stops being a candidate at once, as it stops being found; the
candidates are read through the caller's queryset (`active_people(user)`), so the visibility
rules are the search's own.

- **PostgreSQL**: the `pg_trgm` and `btree_gin` extensions and a GIN index on
  `(office_id::integer, name_key gin_trgm_ops)` of the active records (migration
  `0009_name_trigram_index`), so that a search reads only its office's trigrams, not the
  nation's. Candidates: `key <% name_key` (word similarity ≥ `WORD_SIMILARITY_THRESHOLD`, set
  on each connection: a part of a name finds the whole, as in `rank_names`), best
  `word_similarity()` then `similarity()` first.
- **SQLite**: an FTS5 table `people_name_index` with the `trigram` tokenizer (SQLite ≥ 3.34)
  holding `name_key`, an office token and `office_id` of the active records, kept in step with
  `people_person` by triggers, so that every write reaches it: services, `bulk_create` in the
  demo and the benchmarks, merges and their reversal, anonymisation, deletes, raw SQL.
  Candidates: the office's rows matching any of the query's trigrams, best `bm25` first (this
  reads every row of the office that shares a trigram: cheaper than ranking them all, still
  linear; docs/performance.md). `ensure_sqlite_index` (after every `migrate`) re-creates the
  triggers when a later migration rebuilt the person table (SQLite drops a table's triggers
  with it) and rebuilds the index.

Erasure: anonymising a record deletes its row from the index (the trigger), but FTS5 keeps the
deleted terms in its older segments until they are merged; `purge_deleted_terms` merges every
segment into one, so the erased name is gone from the FTS5 tables
(`people.data_rights.services.erase_people` calls it). PostgreSQL's GIN index drops the entry
with the row version (VACUUM), as every other index of the table.

Queries of fewer than three letters have no trigram for FTS5: their candidates are the records
with a word starting with the query (both engines, so that they answer alike).
"""

from __future__ import annotations

from django.db import connection, connections, transaction
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from satuatap.people.models import Person

CANDIDATES = 300  # records ranked by `rank_names`; the right one is among them (benchmarks/)
# pg_trgm's `<%` (word similarity: how well the query matches the best part of a name, so that a
# part of a name finds the whole; default 0.6): every misspelling of the benchmark is at least
# 0.5 similar to its right name, and 0.5 reads far fewer rows than `%`'s 0.3.
WORD_SIMILARITY_THRESHOLD = 0.5
FTS_TABLE = "people_name_index"
MIN_TRIGRAM_QUERY = 3
OFFICE_TAG_BASE = 0xF0000  # Supplementary Private Use Area-A: no name holds these characters

SQLITE_TRIGGERS = {
    "people_name_index_insert": """
        CREATE TRIGGER IF NOT EXISTS people_name_index_insert AFTER INSERT ON people_person
        WHEN new.merged_into_id IS NULL AND new.anonymised_at IS NULL AND new.name_key != ''
        BEGIN
            INSERT INTO people_name_index(rowid, name_key, office_tag, office_id)
            VALUES (new.id, new.name_key, char(983040 + new.office_id, 983040 + new.office_id,
                983040 + new.office_id), new.office_id);
        END""",
    "people_name_index_update": """
        CREATE TRIGGER IF NOT EXISTS people_name_index_update
        AFTER UPDATE OF name_key, office_id, merged_into_id, anonymised_at ON people_person
        WHEN old.name_key IS NOT new.name_key OR old.office_id IS NOT new.office_id
            OR (old.merged_into_id IS NULL) != (new.merged_into_id IS NULL)
            OR (old.anonymised_at IS NULL) != (new.anonymised_at IS NULL)
        BEGIN
            DELETE FROM people_name_index WHERE rowid = old.id;
            INSERT INTO people_name_index(rowid, name_key, office_tag, office_id)
            SELECT new.id, new.name_key, char(983040 + new.office_id, 983040 + new.office_id,
                983040 + new.office_id), new.office_id
            WHERE new.merged_into_id IS NULL AND new.anonymised_at IS NULL AND new.name_key != '';
        END""",
    "people_name_index_delete": """
        CREATE TRIGGER IF NOT EXISTS people_name_index_delete AFTER DELETE ON people_person
        BEGIN
            DELETE FROM people_name_index WHERE rowid = old.id;
        END""",
}
SQLITE_FILL = (
    "INSERT INTO people_name_index(rowid, name_key, office_tag, office_id) "
    "SELECT id, name_key, char(983040 + office_id, 983040 + office_id, 983040 + office_id), "
    "office_id FROM people_person "
    "WHERE merged_into_id IS NULL AND anonymised_at IS NULL AND name_key != ''"
)


def ensure_sqlite_index(using: str = "default") -> bool:
    """When the FTS5 table exists (migration 0009 applied) but a trigger is missing, because a
    later migration rebuilt the person table, create the triggers again and rebuild the index
    (rows may have changed without them). True when it did."""
    conn = connections[using]
    if conn.vendor != "sqlite":
        return False
    with transaction.atomic(using=using), conn.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        present = {row[0] for row in cursor.fetchall()}
        if FTS_TABLE not in present or "people_person" not in present:
            return False
        if set(SQLITE_TRIGGERS) <= present:
            return False
        cursor.execute("DELETE FROM people_name_index")
        cursor.execute(SQLITE_FILL)
        for sql in SQLITE_TRIGGERS.values():
            cursor.execute(sql)
        cursor.execute("INSERT INTO people_name_index(people_name_index) VALUES ('optimize')")
    return True


def ensure_sqlite_index_after_migrate(*, using: str = "default", **_kwargs) -> None:
    """`post_migrate` receiver (people/apps.py)."""
    ensure_sqlite_index(using)


def purge_deleted_terms() -> None:
    """Merge the FTS5 segments so that deleted rows (erased names) leave no term behind."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO people_name_index(people_name_index) VALUES ('optimize')")


def trigrams(key: str) -> list[str]:
    """The distinct trigrams FTS5's trigram tokenizer makes of `key`, in order."""
    seen: dict[str, None] = {}
    for start in range(len(key) - 2):
        seen.setdefault(key[start : start + 3], None)
    return list(seen)


def name_candidates(
    people: QuerySet[Person], key: str, *, office_id: int | None, limit: int = CANDIDATES
) -> list[tuple[int, str]]:
    """`(pk, name_key)` of at most `limit` records of `people` (already limited to what the
    user may see) whose names are nearest to the query key `key` (from `names.query_key`)."""
    people = people.order_by()
    if len(key.replace(" ", "")) < MIN_TRIGRAM_QUERY or office_id is None:
        return _by_word_prefix(people, key, limit)
    if connection.vendor == "postgresql":
        return _postgres_candidates(people, key, office_id, limit)
    return _sqlite_candidates(people, key, office_id, limit)


def _by_word_prefix(people: QuerySet[Person], key: str, limit: int) -> list[tuple[int, str]]:
    from django.db.models import Q

    first = key.split()[0] if key.split() else key
    found = people.filter(Q(name_key__startswith=first) | Q(name_key__contains=" " + first))
    return list(found.values_list("pk", "name_key")[:limit])


def _postgres_candidates(
    people: QuerySet[Person], key: str, office_id: int, limit: int
) -> list[tuple[int, str]]:
    table = Person._meta.db_table
    # The office as the index has it (`office_id::integer`: btree_gin has no bigint = integer,
    # and the planner folds a second `office_id = …` into the queryset's): without it the index
    # would read every office's trigrams. The key is a parameter; the rest is constant.
    similar = RawSQL(  # noqa: S611
        f"{table}.office_id::integer = %s AND %s <%% {table}.name_key",
        [office_id, key],
        output_field=BooleanField(),
    )
    best_part = RawSQL(f"word_similarity(%s, {table}.name_key)", [key])  # noqa: S611
    whole = RawSQL(f"similarity({table}.name_key, %s)", [key])  # noqa: S611
    nearest = people.filter(similar).order_by(best_part.desc(), whole.desc(), "pk")
    return list(nearest.values_list("pk", "name_key")[:limit])


def set_similarity_threshold(*, connection, **_kwargs) -> None:
    """`connection_created` receiver (people/apps.py): `<%` finds names at least this similar,
    on every PostgreSQL connection (no query per search). Set before pg_trgm is loaded, the
    value waits as a placeholder that the extension takes over. Behind a pooler in transaction
    mode, set it for the database or role instead (docs/performance.md)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(WORD_SIMILARITY_THRESHOLD)],
            )


def office_tag(office_id: int) -> str:
    """The office's token in the FTS5 table: one trigram no name has (see the migration)."""
    return chr(OFFICE_TAG_BASE + office_id) * 3


def _sqlite_candidates(
    people: QuerySet[Person], key: str, office_id: int, limit: int
) -> list[tuple[int, str]]:
    any_trigram = " OR ".join(f'"{trigram}"' for trigram in trigrams(key))
    match = f'office_tag : "{office_tag(office_id)}" AND name_key : ({any_trigram})'
    best = RawSQL(  # noqa: S611 (constant SQL; the trigrams are a parameter)
        "SELECT rowid FROM people_name_index WHERE people_name_index MATCH %s "
        "ORDER BY rank LIMIT %s",
        [match, limit],
    )
    return list(people.filter(pk__in=best).values_list("pk", "name_key"))
