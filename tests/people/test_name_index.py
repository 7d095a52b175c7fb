"""Name search takes its candidates from a trigram index (people/name_index.py): pg_trgm on
PostgreSQL, an FTS5 table kept by triggers on SQLite. The index must follow every write."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from satuatap.core.roles import Role
from satuatap.people import name_index, services
from satuatap.people.data_rights import services as data_rights
from satuatap.people.models import Person, Sex
from satuatap.people.names import name_key, rank_names
from satuatap.people.search import search_people
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

only_sqlite = pytest.mark.skipif(
    "connection.vendor != 'sqlite'", reason="the FTS5 table exists on SQLite only"
)
only_postgresql = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="pg_trgm exists on PostgreSQL only"
)


@pytest.fixture
def officer(make_user):
    return make_user(Role.FRONTDESK)


@pytest.fixture
def head(make_user):
    return make_user(Role.OFFICE_HEAD)


def register(officer, full_name: str, nik: str) -> Person:
    return services.register_person(
        by=officer,
        full_name=full_name,
        sex=Sex.FEMALE,
        nik=nik,
        birth_date=datetime.date(1995, 3, 14),
    )


def found(user, query: str) -> list[int]:
    return [hit.person.pk for hit in search_people(user, query)]


def candidates(office, query: str, limit: int = name_index.CANDIDATES) -> list[int]:
    people = Person.objects.filter(
        office=office, merged_into__isnull=True, anonymised_at__isnull=True
    )
    key = name_key(query)
    return [
        pk for pk, _key in name_index.name_candidates(people, key, office_id=office.pk, limit=limit)
    ]


def fts_rows() -> dict[int, tuple[str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT rowid, name_key, office_id FROM {name_index.FTS_TABLE}")
        return {rowid: (key, office_id) for rowid, key, office_id in cursor.fetchall()}


def active_rows() -> dict[int, tuple[str, int]]:
    people = Person.objects.filter(merged_into__isnull=True, anonymised_at__isnull=True)
    return {
        pk: (key, office_id)
        for pk, key, office_id in people.values_list("pk", "name_key", "office_id")
    }


def test_a_registered_person_is_a_candidate_and_found(officer, office):
    person = register(officer, "Sulastri Handayani", "3209015403950001")
    assert candidates(office, "Sulastri Handayani") == [person.pk]
    assert found(officer, "Sulastri Handayni") == [person.pk]


def test_a_renamed_person_is_found_by_the_new_name_only(officer, office):
    person = register(officer, "Sulastri Handayani", "3209015403950001")
    services.update_person(person=person, by=officer, full_name="Wagiyem Kartini")
    assert found(officer, "Wagiyem Kartini") == [person.pk]
    assert found(officer, "Sulastri Handayani") == []
    assert candidates(office, "Sulastri Handayani") == []


def test_a_merged_record_stops_being_found_and_comes_back_when_the_merge_is_reversed(
    officer, office, administrator
):
    kept = register(officer, "Sulastri Handayani", "3209015403950001")
    duplicate = register(officer, "Sulastri Handayani", "3209015403950002")
    Person.objects.filter(pk=duplicate.pk).update(nik=None)
    duplicate.refresh_from_db()
    merge = services.merge_people(survivor=kept, merged=duplicate, by=officer, reason="same KTP")
    assert found(officer, "Sulastri Handayani") == [kept.pk]
    assert candidates(office, "Sulastri Handayani") == [kept.pk]
    services.reverse_merge(merge=merge, by=administrator)
    assert sorted(found(officer, "Sulastri Handayani")) == sorted([kept.pk, duplicate.pk])


def test_an_erased_person_is_no_longer_a_candidate(officer, head, office):
    erased = register(officer, "Sulastri Handayani", "3209015403950001")
    kept = register(officer, "Sulastri Handayani Putri", "3209015403950002")
    data_rights.anonymise_person(person=erased, by=head, reason="person")
    assert candidates(office, "Sulastri Handayani") == [kept.pk]
    assert found(officer, "Sulastri Handayani") == [kept.pk]
    # Its new name ("Anonymised person") is not searchable either.
    assert found(officer, str(Person.objects.get(pk=erased.pk).full_name)) == []


def test_people_made_with_bulk_create_are_found(officer, office):
    """Imports of generated data and the demo write people with bulk_create (no save())."""
    Person.objects.bulk_create(
        [
            Person(office=office, full_name=name, name_key=name_key(name), sex=Sex.FEMALE)
            for name in ["Sulastri Handayani", "Wagiyem Kartini", "Nurhaliza Putri"]
        ]
    )
    bulk = Person.objects.get(full_name="Wagiyem Kartini")
    assert found(officer, "Wagiyem Kartni") == [bulk.pk]


def test_a_deleted_person_leaves_the_index(officer, office):
    person = register(officer, "Sulastri Handayani", "3209015403950001")
    Person.objects.filter(pk=person.pk).delete()
    assert candidates(office, "Sulastri Handayani") == []


def test_people_of_another_office_are_not_candidates(make_user, officer, office, other_office):
    mine = register(officer, "Sulastri Handayani", "3209015403950001")
    theirs = register(
        make_user(Role.FRONTDESK, organisation=other_office),
        "Sulastri Handayani",
        "3504015403950001",
    )
    assert candidates(office, "Sulastri Handayani") == [mine.pk]
    assert candidates(other_office, "Sulastri Handayani") == [theirs.pk]


def test_a_record_moved_to_another_office_is_a_candidate_there_only(officer, office, other_office):
    person = register(officer, "Sulastri Handayani", "3209015403950001")
    Person.objects.filter(pk=person.pk).update(office=other_office)
    assert candidates(office, "Sulastri Handayani") == []
    assert candidates(other_office, "Sulastri Handayani") == [person.pk]


def test_the_candidates_are_the_nearest_names(office):
    for index, name in enumerate(["Sulastri Handayani", "Sulastri Handoko", "Wagiyem Kartini"]):
        PersonFactory(
            office=office, full_name=name, name_key=name_key(name), nik=f"32090154039{index:05d}"
        )
    nearest = Person.objects.get(full_name="Sulastri Handayani")
    assert candidates(office, "Sulastri Handayani", limit=1) == [nearest.pk]
    assert Person.objects.get(full_name="Wagiyem Kartini").pk not in candidates(
        office, "Sulastri Handayani"
    )


@pytest.mark.parametrize("query", ["Ai", "a", "S", "Siti"])
def test_a_short_query_finds_what_ranking_every_record_finds(officer, office, query):
    """Fewer than three letters make no trigram: the candidates are the records with a word
    that starts with the query, and the result is the one ranking them all gives."""
    ai = register(officer, "Ai Sumiati", "3209015403950001")
    register(officer, "Siti Aisyah", "3209015403950002")
    register(officer, "Wagiyem Kartini", "3209015403950003")
    everyone = active_rows()
    ranked = rank_names(query, [(pk, key) for pk, (key, _office) in everyone.items()])
    assert found(officer, query) == [pk for pk, _score in ranked]
    if query == "Ai":
        assert ai.pk in found(officer, query)


@only_sqlite
def test_the_fts_table_holds_exactly_the_active_records_after_every_kind_of_write(
    officer, head, office, administrator
):
    people = [
        register(officer, name, f"32090154039{index:05d}")
        for index, name in enumerate(["Sulastri Handayani", "Wagiyem Kartini", "Ani Lestari"])
    ]
    services.update_person(person=people[0], by=officer, full_name="Sulastri Handayani Putri")
    Person.objects.filter(pk=people[2].pk).update(nik=None)
    people[2].refresh_from_db()
    services.merge_people(survivor=people[1], merged=people[2], by=officer, reason="same")
    data_rights.anonymise_person(person=people[0], by=head, reason="person")
    Person.objects.bulk_create(
        [Person(office=office, full_name="Dewi Sartika", name_key="dewi sartika", sex=Sex.FEMALE)]
    )
    assert fts_rows() == active_rows()
    assert len(fts_rows()) == 2


@only_sqlite
def test_an_erased_name_leaves_no_trace_in_the_fts_tables(officer, head, office):
    """FTS5 keeps a deleted row's terms in its older segments until they are merged: erasure
    merges them (`purge_deleted_terms`). The name is chosen so that its trigrams are in no
    other record."""
    register(officer, "Sulastri Handayani", "3209015403950001")
    erased = register(officer, "Vexwub Zufxob", "3209015403950002")
    secret_trigrams = {"vex", "exw", "xwu", "wub", "zuf", "ufx", "fxo", "xob"}

    def stored_terms() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.name_vocab "
                f"USING fts5vocab(main, {name_index.FTS_TABLE}, 'instance')"
            )
            cursor.execute("SELECT term FROM temp.name_vocab")
            return {row[0] for row in cursor.fetchall()}

    def raw_bytes() -> bytes:
        """Every shadow table of the FTS5 table, as stored (the index's segments included)."""
        blob = b""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE %s",
                [name_index.FTS_TABLE + "_%"],
            )
            for (table,) in cursor.fetchall():
                cursor.execute(f"SELECT * FROM {table}")
                for row in cursor.fetchall():
                    for value in row:
                        blob += value if isinstance(value, bytes) else str(value).encode()
        return blob

    # The test can see the name while it is there: its terms and its text are stored.
    name_index.purge_deleted_terms()  # one segment: every term is written out in order
    assert secret_trigrams <= stored_terms()
    assert b"vexwub zufxob" in raw_bytes()
    assert b"vex" in raw_bytes()
    data_rights.anonymise_person(person=erased, by=head, reason="person")
    assert not secret_trigrams & stored_terms()
    stored = raw_bytes()
    assert b"vexwub" not in stored and b"zufxob" not in stored
    assert b"vex" not in stored and b"xob" not in stored and b"wub" not in stored


@only_sqlite
def test_the_triggers_come_back_after_a_migration_rebuilds_the_person_table(officer, office):
    """SQLite drops a table's triggers with it: `migrate` puts them back and rebuilds."""
    person = register(officer, "Sulastri Handayani", "3209015403950001")
    with connection.cursor() as cursor:
        for trigger in name_index.SQLITE_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger}")
    moved = register(officer, "Wagiyem Kartini", "3209015403950002")  # written without them
    assert name_index.ensure_sqlite_index() is True
    assert fts_rows() == active_rows()
    assert found(officer, "Wagiyem Kartini") == [moved.pk]
    services.update_person(person=person, by=officer, full_name="Dewi Sartika")
    assert fts_rows() == active_rows()
    assert name_index.ensure_sqlite_index() is False  # nothing to do when they are there


@only_postgresql
def test_the_postgresql_candidate_query_can_use_the_trigram_index(officer, office):
    register(officer, "Sulastri Handayani", "3209015403950001")
    people = Person.objects.filter(
        office=office, merged_into__isnull=True, anonymised_at__isnull=True
    )
    with connection.cursor() as cursor:
        # A handful of rows: make the planner show whether it *can* use the index, without the
        # table's other indexes (dropped inside the test's transaction, rolled back).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'people_person' "
            "AND indexname != 'person_active_name_trgm' AND indexname NOT LIKE '%%pkey'"
        )
        for (index,) in cursor.fetchall():
            cursor.execute(f'DROP INDEX "{index}"')
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, params, many, context: (
                queries.append((sql, params)) or execute(sql, params, many, context)
            )
        ):
            name_index.name_candidates(people, "sulastri handayani", office_id=office.pk)
        sql, params = queries[-1]
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Bitmap Index Scan on person_active_name_trgm" in plan
    index_condition = plan.split("Bitmap Index Scan on person_active_name_trgm", 1)[1]
    assert "(office_id)::integer =" in index_condition.split("\n")[1]  # the office's part only
    assert "%> 'sulastri handayani'" in index_condition.split("\n")[1]  # `<%` commuted
