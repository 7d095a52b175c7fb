"""A step another service records on the migration timeline keeps why as a kind and codes, put
into words when read (`people/timeline.py`)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("people", "0007_encrypt_stored_files")]

    operations = [
        migrations.AddField(
            model_name="statusevent",
            name="note_kind",
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name="statusevent",
            name="note_params",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
