"""No migration locks a large table for long on PostgreSQL (docs/operations.md, "Upgrades"): the
rules are in `tests/core/migration_safety.py`; here every migration of the project and of its
third-party apps is held to them, and synthetic operations show that each rule bites."""

from __future__ import annotations

import pytest
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models.functions import Now

from tests.core.migration_safety import (
    LARGE_TABLES,
    Finding,
    findings,
    findings_of,
    marked_migrations,
    migration_order,
)

# Migrations applied before this rule existed, while every table was small (the pilot offices).
# An installation already has them: `migrate` never runs them again. Listed by name so that
# none can be added here unnoticed; a new migration has no place in this list.
GRANDFATHERED = {
    # django-auditlog's own, applied when the project was installed (an empty log table).
    ("auditlog", "0002_auto_support_long_primary_keys"),
    ("auditlog", "0006_object_pk_index"),
    ("auditlog", "0008_action_index"),
    ("auditlog", "0010_alter_logentry_timestamp"),
    ("auditlog", "0014_logentry_cid"),
    ("auditlog", "0015_alter_logentry_changes"),
    # The registry's second and fifth migrations, applied with the pilots' few thousand people.
    ("people", "0002_documenttype_familylink_importjob_persondocument_and_more"),
    ("people", "0005_active_name_key_index"),
}


def test_no_migration_locks_a_large_table():
    found = [f for f in findings() if f.migration not in GRANDFATHERED]
    assert found == [], (
        "migrations that would lock a large table on PostgreSQL (docs/operations.md, "
        "Upgrades: split them into expand/contract steps, or say in the Migration's "
        "`expand_contract` why they do not lock):\n" + "\n".join(map(str, found))
    )


def test_every_grandfathered_migration_exists_and_still_needs_to_be():
    needing = {f.migration for f in findings()}
    assert needing >= GRANDFATHERED


def test_every_expand_contract_marker_says_why():
    for migration, reason in marked_migrations().items():
        assert isinstance(reason, str) and len(reason.split()) >= 5, migration


def test_the_large_tables_are_models_of_the_project():
    _loader, order = migration_order()
    apps = {app for app, _name in order}
    assert {app for app, _model in LARGE_TABLES} <= apps


# --- The rules bite: synthetic migrations against the real state of the tables -----------------


@pytest.fixture(scope="module")
def state():
    """The models as every migration on disk leaves them."""
    from django.db.migrations.state import ProjectState

    loader, order = migration_order()
    project = ProjectState()
    for node in order:
        for operation in loader.graph.nodes[node].operations:
            operation.state_forwards(node[0], project)
    return project


def check(state, *operations, app_label="frontdesk", **attributes) -> list[str]:
    migration = type("Migration", (migrations.Migration,), {"operations": list(operations)})(
        "9999_synthetic", app_label
    )
    for name, value in attributes.items():
        setattr(migration, name, value)
    return [finding.problem for finding in findings_of(migration, state.clone())]


def test_a_not_null_column_without_a_default_on_the_tickets_fails(state):
    problems = check(state, migrations.AddField("ticket", "channel", models.IntegerField()))
    assert problems == ["adds NOT NULL column channel without a default"]


def test_a_default_computed_per_row_fails_even_when_nullable(state):
    assert check(
        state, migrations.AddField("visit", "seen_at", models.DateTimeField(db_default=Now()))
    ) == ["adds NOT NULL column seen_at with a default computed per row"]
    assert check(
        state,
        migrations.AddField("visit", "seen_at", models.DateTimeField(null=True, db_default=Now())),
    ) == ["adds column seen_at with a default computed per row"]


def test_a_constant_default_or_a_nullable_column_passes(state):
    for field in (
        models.IntegerField(default=0),
        models.IntegerField(db_default=0),
        models.IntegerField(null=True),
        models.CharField(max_length=20, blank=True),  # Django adds it with DEFAULT ''
    ):
        assert check(state, migrations.AddField("ticket", "channel", field)) == []


def test_making_a_column_not_null_fails(state):
    ticket = state.models[("frontdesk", "ticket")]
    nullable = next(name for name, field in ticket.fields.items() if field.null)
    field = ticket.fields[nullable].clone()
    field.null = False
    assert check(state, migrations.AlterField("ticket", nullable, field)) == [
        f"makes column {nullable} NOT NULL"
    ]


def test_a_type_change_that_rewrites_fails_and_a_longer_varchar_passes(state):
    person = state.models[("people", "person")]
    name, field = next(
        (name, field)
        for name, field in person.fields.items()
        if isinstance(field, models.CharField) and not field.choices and not field.unique
    )
    longer = field.clone()
    longer.max_length = field.max_length + 50
    assert check(state, migrations.AlterField("person", name, longer), app_label="people") == []
    assert check(
        state,
        migrations.AlterField("person", name, models.IntegerField(null=field.null)),
        app_label="people",
    ) == [f"changes the type of column {name} (a rewrite)"]


def test_an_index_fails_unless_built_concurrently(state):
    index = models.Index(fields=["desk"], name="ticket_desk_synthetic")
    assert check(state, migrations.AddIndex("ticket", index)) == [
        "builds index ticket_desk_synthetic (not CONCURRENTLY)"
    ]
    assert check(state, AddIndexConcurrently("ticket", index)) == []
    assert (
        check(
            state, migrations.AddField("ticket", "code2", models.CharField(max_length=8, null=True))
        )
        == []
    )
    assert check(
        state,
        migrations.AddField(
            "ticket", "code2", models.CharField(max_length=8, null=True, unique=True)
        ),
    ) == ["adds column code2 with an index or foreign key (not CONCURRENTLY)"]


def test_a_small_table_or_one_created_in_the_same_migration_passes(state):
    assert check(state, migrations.AddField("service", "x", models.IntegerField())) == []
    created = migrations.CreateModel(
        "Ticket2", [("id", models.BigAutoField(primary_key=True))], options={}
    )
    assert (
        check(
            state,
            created,
            migrations.AddField("ticket2", "x", models.IntegerField()),
            migrations.AddIndex("ticket2", models.Index(fields=["x"], name="ticket2_x")),
        )
        == []
    )


def test_the_expand_contract_marker_lets_a_reviewed_step_through(state):
    operation = migrations.AddField("ticket", "channel", models.IntegerField())
    assert check(state, operation, expand_contract="") != []
    reason = "contract: every row was backfilled in batches by 0042, the column is NOT NULL-checked"
    assert check(state, operation, expand_contract=reason) == []


def test_a_finding_names_the_migration_the_table_and_the_problem():
    finding = Finding(("frontdesk", "0009_x"), "frontdesk.ticket", "makes column a NOT NULL")
    assert str(finding) == "frontdesk.0009_x: frontdesk.ticket: makes column a NOT NULL"
