"""Case attachments are encrypted before they are stored (core/storage.py): the files already
stored are encrypted in place."""

from django.db import migrations, models

import satuatap.cases.models
import satuatap.core.storage
from satuatap.core.storage import decrypt_stored_files, encrypt_stored_files


def encrypt(apps, schema_editor):
    encrypt_stored_files(apps, "cases.CaseAttachment", "file")


def decrypt(apps, schema_editor):
    decrypt_stored_files(apps, "cases.CaseAttachment", "file")


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_caseevent_params")]

    operations = [
        migrations.AlterField(
            model_name="caseattachment",
            name="file",
            field=models.FileField(
                max_length=255,
                storage=satuatap.core.storage.encrypted_storage,
                upload_to=satuatap.cases.models.attachment_path,
            ),
        ),
        migrations.RunPython(encrypt, decrypt, elidable=False),
    ]
