"""Encrypt what a desk wrote when it finished a ticket ("what was done"): at the MRC desk it can
tell a survivor's story. Stored notes are encrypted and taken out of the audit trail's earlier
change entries (docs/security.md)."""

from django.db import migrations

import satuatap.core.encryption
from satuatap.core.encrypted_columns import (
    decrypt_columns,
    drop_from_audit_trail,
    encrypt_columns,
)


def encrypt(apps, schema_editor):
    encrypt_columns(schema_editor.connection, "frontdesk_servicerecord", ["notes"])
    drop_from_audit_trail(apps, "frontdesk", "servicerecord", ["notes"])


def decrypt(apps, schema_editor):
    decrypt_columns(schema_editor.connection, "frontdesk_servicerecord", ["notes"])


class Migration(migrations.Migration):
    dependencies = [
        ("frontdesk", "0002_age_bands_of_the_reports"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="servicerecord",
            name="notes",
            field=satuatap.core.encryption.EncryptedTextField(
                blank=True, verbose_name="what was done"
            ),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
