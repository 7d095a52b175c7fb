"""Timeline events keep a kind and parameters, put into words in the reader's language."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_referral_end_reason")]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="params",
            field=models.JSONField(blank=True, default=dict),
        ),
    ]
