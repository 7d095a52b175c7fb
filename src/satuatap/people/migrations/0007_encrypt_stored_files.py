"""Identity-document scans and uploaded registers are encrypted before they are stored
(core/storage.py): the files already stored are encrypted in place."""

from django.db import migrations, models

import satuatap.core.storage
import satuatap.people.models
from satuatap.core.storage import decrypt_stored_files, encrypt_stored_files

FILES = [("people.PersonDocument", "file"), ("people.ImportJob", "file")]


def encrypt(apps, schema_editor):
    for label, field in FILES:
        encrypt_stored_files(apps, label, field)


def decrypt(apps, schema_editor):
    for label, field in FILES:
        decrypt_stored_files(apps, label, field)


class Migration(migrations.Migration):
    dependencies = [("people", "0006_erasurerequest")]

    operations = [
        migrations.AlterField(
            model_name="importjob",
            name="file",
            field=models.FileField(
                max_length=255,
                storage=satuatap.core.storage.encrypted_storage,
                upload_to="imports/",
            ),
        ),
        migrations.AlterField(
            model_name="persondocument",
            name="file",
            field=models.FileField(
                max_length=255,
                storage=satuatap.core.storage.encrypted_storage,
                upload_to=satuatap.people.models.document_upload_path,
                verbose_name="scan",
            ),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
