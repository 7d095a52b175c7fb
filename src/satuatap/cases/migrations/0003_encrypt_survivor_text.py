"""Encrypt the free text that can tell a survivor's story or whereabouts: the complainant's
relation, the employer and the interpreter language of a case, a consent's witness, a referral's
service and decline reason. The values already stored are encrypted and taken out of the audit
trail's earlier change entries (docs/security.md)."""

from django.db import migrations

import satuatap.core.encryption
from satuatap.core.encrypted_columns import (
    decrypt_columns,
    drop_from_audit_trail,
    encrypt_columns,
)

COLUMNS = {
    # table, audited model: columns
    ("cases_case", "case"): ["complainant_relation", "employer", "interpreter_language"],
    ("cases_caseconsent", "caseconsent"): ["witness"],
    ("cases_referral", "referral"): ["service", "decline_reason"],
}


def encrypt(apps, schema_editor):
    for (table, model), columns in COLUMNS.items():
        encrypt_columns(schema_editor.connection, table, columns)
        drop_from_audit_trail(apps, "cases", model, columns)


def decrypt(apps, schema_editor):
    for (table, _model), columns in COLUMNS.items():
        decrypt_columns(schema_editor.connection, table, columns)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0002_case_anonymised_at_legalhold"),
        ("auditlog", "0017_add_actor_email"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterField(
            model_name="case",
            name="complainant_relation",
            field=satuatap.core.encryption.EncryptedTextField(
                blank=True, verbose_name="complainant's relation to the person affected"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="employer",
            field=satuatap.core.encryption.EncryptedTextField(blank=True, verbose_name="employer"),
        ),
        migrations.AlterField(
            model_name="case",
            name="interpreter_language",
            field=satuatap.core.encryption.EncryptedTextField(
                blank=True, verbose_name="interpreter needed for"
            ),
        ),
        migrations.AlterField(
            model_name="caseconsent",
            name="witness",
            field=satuatap.core.encryption.EncryptedTextField(blank=True, verbose_name="witness"),
        ),
        migrations.AlterField(
            model_name="referral",
            name="decline_reason",
            field=satuatap.core.encryption.EncryptedTextField(
                blank=True, verbose_name="reason for declining"
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="service",
            field=satuatap.core.encryption.EncryptedTextField(verbose_name="service asked for"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
