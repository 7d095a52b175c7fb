"""The arrival kiosk: a visitor scans a booking's QR code and the kiosk checks them in, so a
visit is checked in by a member of staff or by a kiosk (never both, never neither).

The visit table is large in the national deployment. On PostgreSQL nothing here makes writes
wait: NOT NULL is dropped and the column added as catalogue changes, the index is built
CONCURRENTLY, the foreign key and the check are added NOT VALID and validated afterwards (a
scan that lets writes go on). Django's own operations would drop and re-add the user's foreign
key, validating every row under lock. On SQLite, Django's operations (a table rebuild).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

KINDS = [
    ("screen", "Calling screen"),
    ("kiosk", "Exit kiosk (satisfaction survey)"),
    ("arrival", "Arrival kiosk (visits booked in the portal)"),
]
DEVICE_FIELD = models.ForeignKey(
    blank=True,
    null=True,
    on_delete=django.db.models.deletion.PROTECT,
    related_name="+",
    to="frontdesk.device",
    verbose_name="checked in at the kiosk",
)
USER_FIELD = models.ForeignKey(
    blank=True,
    null=True,
    on_delete=django.db.models.deletion.PROTECT,
    related_name="+",
    to=settings.AUTH_USER_MODEL,
)
CHECK = models.CheckConstraint(
    condition=models.Q(checked_in_by__isnull=False, checked_in_device__isnull=True)
    | models.Q(checked_in_by__isnull=True, checked_in_device__isnull=False),
    name="visit_checked_in_by_staff_or_kiosk",
)

INDEX = "frontdesk_visit_checked_in_device_id_d76ccf94"
FOREIGN_KEY = "frontdesk_visit_checked_in_device_id_d76ccf94_fk_frontdesk"
PG_FORWARDS = [
    'ALTER TABLE "frontdesk_visit" ALTER COLUMN "checked_in_by_id" DROP NOT NULL',
    'ALTER TABLE "frontdesk_visit" ADD COLUMN IF NOT EXISTS "checked_in_device_id" bigint NULL',
    f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{INDEX}" '
    'ON "frontdesk_visit" ("checked_in_device_id")',
    f'ALTER TABLE "frontdesk_visit" ADD CONSTRAINT "{FOREIGN_KEY}" '
    'FOREIGN KEY ("checked_in_device_id") REFERENCES "frontdesk_device" ("id") '
    "DEFERRABLE INITIALLY DEFERRED NOT VALID",
    f'ALTER TABLE "frontdesk_visit" VALIDATE CONSTRAINT "{FOREIGN_KEY}"',
    'ALTER TABLE "frontdesk_visit" ADD CONSTRAINT "visit_checked_in_by_staff_or_kiosk" CHECK '
    '(("checked_in_by_id" IS NOT NULL AND "checked_in_device_id" IS NULL) '
    'OR ("checked_in_by_id" IS NULL AND "checked_in_device_id" IS NOT NULL)) NOT VALID',
    'ALTER TABLE "frontdesk_visit" VALIDATE CONSTRAINT "visit_checked_in_by_staff_or_kiosk"',
]
PG_BACKWARDS = [
    'ALTER TABLE "frontdesk_visit" DROP CONSTRAINT IF EXISTS "visit_checked_in_by_staff_or_kiosk"',
    f'ALTER TABLE "frontdesk_visit" DROP CONSTRAINT IF EXISTS "{FOREIGN_KEY}"',
    f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX}"',
    'ALTER TABLE "frontdesk_visit" DROP COLUMN IF EXISTS "checked_in_device_id"',
    'ALTER TABLE "frontdesk_visit" ALTER COLUMN "checked_in_by_id" SET NOT NULL',
]


def _on_postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class NotOnPostgres:
    """Django's operation, on every database but PostgreSQL (done by the SQL above there)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class AddFieldNotOnPostgres(NotOnPostgres, migrations.AddField):
    pass


class AlterFieldNotOnPostgres(NotOnPostgres, migrations.AlterField):
    pass


class AddConstraintNotOnPostgres(NotOnPostgres, migrations.AddConstraint):
    pass


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run in a transaction
    expand_contract = (
        "catalogue changes, an index built CONCURRENTLY, a foreign key and a check added NOT "
        "VALID and validated without blocking writes"
    )

    dependencies = [
        ("core", "0009_office_opening_hours"),
        ("frontdesk", "0005_visit_slots_bookings"),
        ("people", "0009_name_trigram_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="device",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=8, verbose_name="device"),
        ),
        migrations.AlterField(
            model_name="devicepairing",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=8),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField("visit", "checked_in_device", DEVICE_FIELD),
                migrations.AlterField("visit", "checked_in_by", USER_FIELD),
                migrations.AddConstraint("visit", CHECK),
            ],
            database_operations=[
                AddFieldNotOnPostgres("visit", "checked_in_device", DEVICE_FIELD),
                AlterFieldNotOnPostgres("visit", "checked_in_by", USER_FIELD),
                AddConstraintNotOnPostgres("visit", CHECK),
                migrations.RunPython(
                    _on_postgres(PG_FORWARDS), _on_postgres(PG_BACKWARDS), elidable=False
                ),
            ],
        ),
    ]
