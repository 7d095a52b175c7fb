"""A job order's title in both languages. The existing title stays in `occupation` (now the
Indonesian title) and is copied to the new English title, so that every reader sees what they
saw before; an officer then translates whichever of the two was not in its language."""

from django.db import migrations, models
from django.db.models import F


def keep_the_existing_title(apps, schema_editor):
    JobOrder = apps.get_model("placement", "JobOrder")
    JobOrder.objects.filter(occupation_en="").update(occupation_en=F("occupation"))


class Migration(migrations.Migration):

    dependencies = [
        ('placement', '0007_typed_timeline_notes'),
    ]

    operations = [
        migrations.AddField(
            model_name='joborder',
            name='occupation_en',
            field=models.CharField(blank=True, help_text='Leave empty to show the Indonesian title to English readers too.', max_length=200, verbose_name='job title (English)'),
        ),
        migrations.AlterField(
            model_name='joborder',
            name='occupation',
            field=models.CharField(max_length=200, verbose_name='job title (Indonesian)'),
        ),
        migrations.RunPython(keep_the_existing_title, migrations.RunPython.noop),
    ]
