"""Every write to the database is in a `services` module (or package) of its app or sub-package
(docs/architecture.md, "Where each kind of rule lives"): views, selectors, forms, API routes and
helpers call a service; none writes around it.

The check reads the source of every module of `src/satuatap` with `ast` (nothing is imported)
and fails on a write outside an allowed module:

- a model's or a queryset's `save()`, `delete()`, `create(...)`, `update(field=...)` — told
  apart from a file storage's `save(name, content)`, a cache's `delete(key)`, a workbook's
  `save(buffer)` or a dict's `update(other)` by their arguments: the ORM's take keywords only;
- `bulk_create`, `bulk_update`, `get_or_create`, `update_or_create`, and `select_for_update`
  (a row lock is taken for a write);
- a many-to-many field's `add`, `remove`, `set` or `clear` (`device.desks.set(...)`), the
  fields (and their reverse names) read from the models modules;
- raw SQL that writes: a string in the code (not a docstring) with `INSERT INTO`, `UPDATE … SET`,
  `DELETE FROM`, `MERGE INTO` or `TRUNCATE`.

Allowed: `services` modules and packages, migrations, management commands, the demo package
(`satuatap.demo`, not installed in production), and the short list below, each with its reason
(a module on it that no longer writes must leave it).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "satuatap"

# Modules that write outside a `services` module, and why they must.
ALLOWED = {
    # The one sensitive-data policy writes the access entry of every read it allows, in the
    # same place as the decision (docs/architecture.md, "who may read sensitive data").
    "satuatap.core.sensitive": "the access entry of a sensitive read",
    # The audit helpers rewrite audit entries (erasing values a purge removed, naming a record
    # the trail shows); services call them inside their own transaction.
    "satuatap.core.audit": "audit entries' values erased by the services that erase records",
    # Column rewriting under a new key, run by the migrations that encrypt a column and by the
    # `rotate_encryption_keys` command only.
    "satuatap.core.encrypted_columns": "column rewrites of migrations and key rotation",
    # The operator's counters (`/metrics`), written beside whatever work they count; no record
    # of anyone.
    "satuatap.core.metrics": "the operator's counters",
    # The per-desk-day queue number: one INSERT … ON CONFLICT … RETURNING that refuses to run
    # outside a transaction, called by `frontdesk.services` only.
    "satuatap.frontdesk.numbering": "the queue-number counter, called by frontdesk.services",
    # The row locks the MRC's services (and its packages' services) share before they write.
    "satuatap.cases.guards": "row locks taken by the cases services",
    # The name-search index's own SQL: the SQLite triggers that keep the FTS5 table in step with
    # the person table (created by its migration, re-created after a migration that rebuilds
    # the table) and the merge that drops an erased name's terms, called by
    # `people.data_rights.services`; it writes no one's record.
    "satuatap.people.name_index": "the name index's triggers, rebuild and purge of erased terms",
}

ALWAYS_WRITES = {
    "bulk_create",
    "bulk_update",
    "get_or_create",
    "update_or_create",
    "select_for_update",
}
# The ORM's take keyword arguments only; a storage's, a cache's or a workbook's take positional
# ones.
WRITES_WITHOUT_POSITIONAL = {"save", "delete", "create"}
RELATION_WRITES = {"add", "remove", "set", "clear"}
SQL_WRITE = re.compile(
    r"\b(INSERT\s+INTO|DELETE\s+FROM|UPDATE\s+\S+\s+SET|MERGE\s+INTO|TRUNCATE)\b"
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_allowed_anyway(name: str) -> bool:
    parts = name.split(".")
    return (
        "services" in parts
        or "migrations" in parts
        or ("management" in parts and "commands" in parts)
        or name == "satuatap.demo"
        or name.startswith("satuatap.demo.")
    )


def _docstrings(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings or bare string statements."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            found.add(id(node.value))
    return found


def many_to_many_names() -> frozenset[str]:
    """The names of the project's many-to-many fields and of their reverse accessors."""
    names = set()
    for path in PACKAGE.rglob("models.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Call)
                and isinstance(node.value.func, ast.Attribute)
                and node.value.func.attr == "ManyToManyField"
            ):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
                names.update(
                    k.value.value
                    for k in node.value.keywords
                    if k.arg == "related_name" and isinstance(k.value, ast.Constant)
                )
    return frozenset(names)


MANY_TO_MANY = many_to_many_names()


def writes_in(source: str) -> list[tuple[int, str]]:
    """(line, what) of each write found in the source of a module."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            positional = bool(node.args)
            if method in ALWAYS_WRITES:
                found.append((node.lineno, f".{method}()"))
            elif method in WRITES_WITHOUT_POSITIONAL and not positional:
                found.append((node.lineno, f".{method}()"))
            elif method == "update" and not positional and node.keywords:
                found.append((node.lineno, ".update(...)"))
            elif (
                method in RELATION_WRITES
                and isinstance(node.func.value, ast.Attribute)
                and node.func.value.attr in MANY_TO_MANY
            ):
                found.append((node.lineno, f".{node.func.value.attr}.{method}()"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and SQL_WRITE.search(node.value)
        ):
            found.append((node.lineno, "SQL write"))
    return sorted(found)


def runtime_modules() -> list[tuple[str, Path]]:
    return sorted((module_name(path), path) for path in PACKAGE.rglob("*.py"))


def test_every_write_is_in_a_services_module():
    offending = []
    for name, path in runtime_modules():
        if is_allowed_anyway(name) or name in ALLOWED:
            continue
        for line, what in writes_in(path.read_text()):
            offending.append(f"{path.relative_to(SRC)}:{line}: {what}")
    assert not offending, (
        "Writes outside a services module (move them into the services module of their "
        "package, or say why in ALLOWED):\n" + "\n".join(offending)
    )


def test_the_exceptions_still_write_and_exist():
    """A module on the list that no longer writes (or no longer exists) leaves the list."""
    modules = dict(runtime_modules())
    for name in sorted(ALLOWED):
        assert name in modules, f"{name} does not exist any more"
        assert writes_in(modules[name].read_text()), f"{name} no longer writes: take it off"


@pytest.mark.parametrize(
    "source",
    [
        "def v(request, person):\n    person.save()",
        "def v(person):\n    person.save(update_fields=['name'])",
        "def v(pk):\n    Person.objects.filter(pk=pk).delete()",
        "def v(person):\n    person.delete()",
        "def v():\n    Person.objects.create(name='x')",
        "def v(form):\n    return form.save()",
        "def v(pk):\n    Person.objects.filter(pk=pk).update(name='x')",
        "def v(rows):\n    rows.update(**values)",
        "def v(rows):\n    Person.objects.bulk_create(rows)",
        "def v(rows):\n    Person.objects.bulk_update(rows, ['name'])",
        "def v():\n    Person.objects.get_or_create(nik='1')",
        "def v():\n    Person.objects.update_or_create(nik='1', defaults={})",
        "def v(pk):\n    Person.objects.select_for_update().get(pk=pk)",
        "def v(c):\n    c.execute('INSERT INTO people_person (name) VALUES (%s)', ['x'])",
        "def v(c, t):\n    c.execute(f'DELETE FROM {t} WHERE id = %s', [1])",
        "SQL = 'UPDATE people_person SET name = %s'\ndef v(c):\n    c.execute(SQL, ['x'])",
        "def v(c, t):\n    c.executemany(f'INSERT INTO {t} VALUES (%s)', [(1,)])",
        "def v(device, desks):\n    device.desks.set(desks)",
        "def v(event, person):\n    event.participants.remove(person)",
    ],
)
def test_a_write_outside_services_is_found(source):
    assert writes_in(source)


@pytest.mark.parametrize(
    "source",
    [
        "def v(storage, f):\n    storage.save('name.pdf', f)",
        "def v(cache):\n    cache.delete('key')",
        "def v(workbook, buffer):\n    workbook.save(buffer)",
        "def v(context, more):\n    context.update(more)",
        "def v(context):\n    context.update({'a': 1})",
        "def v(seen, new):\n    seen.update(new)",
        "def v(self, item):\n    self.seen.add(item)",
        "def v(c):\n    c.execute('SELECT 1')",
        "def v(c):\n    c.execute('SELECT id FROM people_person FOR UPDATE')",
        'def v():\n    """Marks the rows. INSERT INTO nothing here: a docstring."""',
        "def v():\n    return Person.objects.filter(name='x').exists()",
    ],
)
def test_reads_and_other_saves_are_not_writes(source):
    assert not writes_in(source)
