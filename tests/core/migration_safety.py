"""Which migration operations lock a large table for longer than a moment on PostgreSQL
(docs/operations.md, "Upgrades: migrations that never lock a large table").

`findings()` walks every migration of every installed app (ours and third-party: an upgrade of
django-auditlog could bring one for its log table) in the order `migrate` applies them, keeps
the models' state as it goes, and names each operation on a large table (`LARGE_TABLES`) that:

- adds a NOT NULL column with no default, or with a default PostgreSQL must compute per row
  (`db_default=Now()`, a function): the first fails on a table with rows, the second rewrites
  it under an ACCESS EXCLUSIVE lock. A constant default (`default=0`, `db_default=0`, or the
  one-off default makemigrations asks for) is a change of the catalogue only on PostgreSQL ≥ 11;
- makes a nullable column NOT NULL (`AlterField`): PostgreSQL scans the whole table under an
  ACCESS EXCLUSIVE lock (and Django first updates every NULL row when a default is given);
- changes a column's type (a rewrite, for most changes);
- builds an index or a unique constraint, or adds a foreign key (which builds an index and
  validates every row), without `CONCURRENTLY`: writes wait until it is built;
- adds a check or unique constraint (validated by a scan under lock).

A table created in the same migration is empty: nothing there is a finding. A migration that
does one of these on purpose, in a way that does not lock (an expand/contract step: the table
is known to be empty then, the NOT NULL follows a validated `CHECK (… IS NOT NULL) NOT VALID`
constraint, the index is built `CONCURRENTLY` by a `RunSQL` beside a `SeparateDatabaseAndState`)
says so in a class attribute of its `Migration`: `expand_contract = "why this does not lock"`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.backends.postgresql.base import DatabaseWrapper as PostgresWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState
from django.db.models.expressions import Value
from django.db.models.fields import NOT_PROVIDED

# Tables with a million rows or more in the national deployment (500 offices, 10 M people,
# 20 M tickets: issue 20, docs/performance.md), as (app label, model name in lower case).
LARGE_TABLES = frozenset(
    {
        ("people", "person"),
        ("people", "phone"),
        ("people", "statusevent"),
        ("people", "persondocument"),
        ("people", "processingconsent"),
        ("people", "familylink"),
        ("frontdesk", "visit"),
        ("frontdesk", "ticket"),
        ("frontdesk", "servicerecord"),
        ("frontdesk", "survey"),
        ("placement", "placementfile"),
        ("placement", "stagechange"),
        ("placement", "enrolment"),
        ("cases", "contact"),
        ("reports", "rollupvalue"),
        ("reports", "rollupmonth"),
        ("auditlog", "logentry"),
    }
)
MARKER = "expand_contract"
# Operations that do not lock writes (django.contrib.postgres).
NON_LOCKING = frozenset({"AddIndexConcurrently", "AddConstraintNotValid", "ValidateConstraint"})


@dataclass(frozen=True)
class Finding:
    migration: tuple[str, str]  # (app label, migration name)
    table: str  # "app.model"
    problem: str

    def __str__(self) -> str:
        return f"{self.migration[0]}.{self.migration[1]}: {self.table}: {self.problem}"


@cache
def postgresql() -> PostgresWrapper:
    """A PostgreSQL backend that never connects: it names column types as PostgreSQL would."""
    settings = {"ENGINE": "django.db.backends.postgresql", "NAME": "types-only", "OPTIONS": {}}
    settings |= {"USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "TIME_ZONE": None}
    settings |= {"CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False, "AUTOCOMMIT": True}
    return PostgresWrapper(settings | {"ATOMIC_REQUESTS": False, "TEST": {}}, "types-only")


def _is_constant(expression) -> bool:
    return not hasattr(expression, "resolve_expression") or isinstance(expression, Value)


def _computed_per_row(field: models.Field) -> bool:
    return field.db_default is not NOT_PROVIDED and not _is_constant(field.db_default)


def _has_constant_default(field: models.Field) -> bool:
    """The column gets one value for every existing row: `db_default` a constant, or what
    Django's schema editor puts in the ADD COLUMN (a `default`, a one-off default, "" for a
    blank text field) and drops right after."""
    if field.db_default is not NOT_PROVIDED:
        return _is_constant(field.db_default)
    return BaseDatabaseSchemaEditor._effective_default(field) is not None  # noqa: SLF001


_VARCHAR = re.compile(r"varchar\((\d+)\)")


def _rewrites(old: models.Field, new: models.Field) -> bool:
    """Changing the column from `old` to `new` rewrites the table on PostgreSQL (a longer
    varchar, or varchar to text, is a change of the catalogue only)."""
    old_type, new_type = old.db_type(postgresql()), new.db_type(postgresql())
    if old_type == new_type:
        return False
    old_varchar = _VARCHAR.fullmatch(old_type or "")
    new_varchar = _VARCHAR.fullmatch(new_type or "")
    if old_varchar and new_type == "text":
        return False
    return not (old_varchar and new_varchar and int(new_varchar[1]) >= int(old_varchar[1]))


def _builds_index(field: models.Field) -> bool:
    return bool(field.db_index or field.unique or field.is_relation and field.db_constraint)


def problems_of(operation, app_label: str, state: ProjectState, created: set) -> Iterator[str]:
    """What `operation` (of a migration of `app_label`, on the models as `state` holds them
    before it) would lock on a large table. `created`: the models made earlier in the same
    migration (empty tables)."""
    if isinstance(operation, migrations.CreateModel):
        created.add((app_label, operation.name_lower))
        return
    model_name = getattr(operation, "model_name_lower", None) or getattr(
        operation, "name_lower", None
    )
    key = (app_label, model_name)
    if key not in LARGE_TABLES or key in created or type(operation).__name__ in NON_LOCKING:
        return
    if isinstance(operation, migrations.AddField):
        field = operation.field
        if not field.null and not _has_constant_default(field):
            if _computed_per_row(field):
                yield f"adds NOT NULL column {operation.name} with a default computed per row"
            else:
                yield f"adds NOT NULL column {operation.name} without a default"
        elif _computed_per_row(field):
            yield f"adds column {operation.name} with a default computed per row"
        if _builds_index(field):
            yield f"adds column {operation.name} with an index or foreign key (not CONCURRENTLY)"
    elif isinstance(operation, migrations.AlterField):
        old = state.models[key].fields.get(operation.name)
        new = operation.field
        if old is None:
            return
        if old.null and not new.null:
            yield f"makes column {operation.name} NOT NULL"
        if _rewrites(old, new):
            yield f"changes the type of column {operation.name} (a rewrite)"
        if _builds_index(new) and not _builds_index(old):
            yield f"adds an index or foreign key to column {operation.name} (not CONCURRENTLY)"
    elif isinstance(operation, migrations.AddIndex):
        yield f"builds index {operation.index.name} (not CONCURRENTLY)"
    elif isinstance(operation, migrations.AddConstraint):
        yield f"adds constraint {operation.constraint.name} (validated under lock)"
    elif isinstance(operation, migrations.AlterUniqueTogether | migrations.AlterIndexTogether):
        yield "adds an index through unique_together/index_together (not CONCURRENTLY)"


def migration_order() -> tuple[MigrationLoader, list[tuple[str, str]]]:
    """Every migration on disk, in the order `migrate` would apply them."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    order: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for leaf in sorted(loader.graph.leaf_nodes()):
        for node in loader.graph.forwards_plan(leaf):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return loader, order


def findings_of(migration, state: ProjectState) -> list[Finding]:
    """The findings of one migration, applied to `state` (moved forward past it)."""
    found = []
    created: set = set()
    for operation in migration.operations:
        for problem in problems_of(operation, migration.app_label, state, created):
            table = f"{migration.app_label}.{getattr(operation, 'model_name_lower', '')}"
            found.append(Finding((migration.app_label, migration.name), table, problem))
        operation.state_forwards(migration.app_label, state)
    if getattr(migration, MARKER, ""):
        return []
    return found


def findings() -> list[Finding]:
    loader, order = migration_order()
    state = ProjectState()
    found = []
    for node in order:
        found += findings_of(loader.graph.nodes[node], state)
    return found


def marked_migrations() -> dict[tuple[str, str], str]:
    loader, order = migration_order()
    return {
        node: getattr(loader.graph.nodes[node], MARKER)
        for node in order
        if getattr(loader.graph.nodes[node], MARKER, "")
    }
