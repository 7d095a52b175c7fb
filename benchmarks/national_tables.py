"""Bulk writing for the national generator: rows go to the database as PostgreSQL `COPY` or
SQLite `executemany`, never through the ORM one row at a time.

A `Table` names the columns the generator fills for each row; every other column gets its
model default once (a constant), so a new field with a default needs no change here, and a new
required field without one stops the generator with its name. Primary keys are given by the
generator (`Ids`), so rows of several tables can point at each other before anything is written;
`Ids.finish()` moves the database's id sequences past them.
"""

from __future__ import annotations

import datetime
import json

GENERATED_AT = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)  # auto_now(_add) columns
FLUSH_ROWS = 20_000


class MissingColumnError(Exception):
    pass


def _pg_text(value) -> str:
    if value is None:
        return "\\N"
    kind = type(value)
    if kind is str:
        if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
            value = (
                value.replace("\\", "\\\\")
                .replace("\t", "\\t")
                .replace("\n", "\\n")
                .replace("\r", "\\r")
            )
        return value
    if kind is bool:
        return "t" if value else "f"
    if kind is int:
        return str(value)
    if kind is datetime.datetime:
        return value.isoformat()
    if kind is datetime.date:
        return value.isoformat()
    if kind in (list, dict):
        return _pg_text(json.dumps(value))
    return str(value)


def _sqlite_value(value):
    kind = type(value)
    if kind is datetime.datetime:
        # Django's SQLite backend stores aware datetimes as naive UTC text.
        return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(" ")
    if kind is datetime.date:
        return value.isoformat()
    if kind is bool:
        return int(value)
    if kind in (list, dict):
        return json.dumps(value)
    return value


class Sink:
    """Where rows go: one database connection, PostgreSQL or SQLite."""

    def __init__(self, connection):
        self.connection = connection
        self.is_postgres = connection.vendor == "postgresql"
        self.rows_written = 0
        if self.is_postgres:
            # Django's foreign keys are checked by deferred triggers, row by row at commit,
            # which makes a bulk load several times slower. The generator's rows point only at
            # rows it wrote or read, so this session skips the triggers (a superuser setting;
            # the benchmark runs as the database owner on its own database).
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = replica")

    def close(self) -> None:
        if self.is_postgres:
            with self.connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = origin")

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        with self.connection.cursor() as cursor:
            if self.is_postgres:
                names = ", ".join(f'"{c}"' for c in columns)
                text = "".join("\t".join(map(_pg_text, row)) + "\n" for row in rows)
                with cursor.cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                    copy.write(text)
            else:
                marks = ", ".join("?" for _c in columns)
                names = ", ".join(f'"{c}"' for c in columns)
                cursor.cursor.executemany(
                    f'INSERT INTO "{table}" ({names}) VALUES ({marks})',
                    [tuple(map(_sqlite_value, row)) for row in rows],
                )
        self.rows_written += len(rows)


def _constant(field):
    if field.has_default():
        value = field.get_default()
        return value
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return GENERATED_AT
    if field.null:
        return None
    if field.blank and field.get_internal_type() in ("CharField", "TextField", "SlugField"):
        return ""
    raise MissingColumnError(f"{field.model.__name__}.{field.name} has no default: give it per row")


class Table:
    """Rows of one model (or a many-to-many table): the given columns per row, the model's
    defaults for the rest."""

    def __init__(self, sink: Sink, model, columns: list[str]):
        self.sink = sink
        meta = model._meta
        self.table = meta.db_table
        by_attname = {f.attname: f for f in meta.concrete_fields}
        unknown = [c for c in columns if c not in by_attname]
        if unknown:
            raise MissingColumnError(f"{model.__name__}: no columns {unknown}")
        self.columns = [by_attname[c].column for c in columns]
        constants = []
        for attname, field in by_attname.items():
            if attname in columns or field.primary_key:
                continue  # given per row, or numbered by the database
            constants.append((field.column, _constant(field)))
        self.columns += [name for name, _v in constants]
        self.constants = tuple(value for _n, value in constants)
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, *values) -> None:
        self.rows.append(values + self.constants)
        if len(self.rows) >= FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        self.sink.write(self.table, self.columns, self.rows)
        self.count += len(self.rows)
        self.rows = []


class Ids:
    """The next primary key of each table, read once from the database."""

    def __init__(self, connection):
        self.connection = connection
        self.next: dict[str, int] = {}
        self.models: dict[str, object] = {}

    def take(self, model) -> int:
        table = model._meta.db_table
        if table not in self.next:
            with self.connection.cursor() as cursor:
                cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
                self.next[table] = cursor.fetchone()[0] + 1
            self.models[table] = model
        value = self.next[table]
        self.next[table] = value + 1
        return value

    def finish(self) -> None:
        """Move PostgreSQL's sequences past the ids given (SQLite follows MAX(rowid))."""
        if self.connection.vendor != "postgresql":
            return
        with self.connection.cursor() as cursor:
            for table in self.next:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                    f'(SELECT GREATEST(MAX(id), 1) FROM "{table}"))',
                    [table],
                )
