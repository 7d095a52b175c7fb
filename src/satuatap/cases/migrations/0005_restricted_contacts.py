"""Contacts on a sensitive topic that name a person are restricted like restricted cases (new
topics: trafficking, a child at risk). Contacts recorded before are marked by the same rule."""

from django.db import migrations, models

SENSITIVE_TOPICS = ["gbv", "trafficking", "child_at_risk"]


def mark_restricted(apps, schema_editor):
    Contact = apps.get_model("cases", "Contact")
    sensitive = Contact.objects.filter(topic__in=SENSITIVE_TOPICS)
    named = sensitive.filter(is_group=False, person__isnull=False) | sensitive.filter(
        is_group=True, participants__isnull=False
    )
    Contact.objects.filter(pk__in=named.values("pk")).update(is_restricted=True)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0004_random_case_references'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='contact',
            options={'ordering': ['-occurred_on', '-recorded_at', '-pk'], 'verbose_name': 'contact', 'verbose_name_plural': 'contacts'},
        ),
        migrations.AddField(
            model_name='contact',
            name='is_restricted',
            field=models.BooleanField(default=False, help_text='A sensitive topic (violence, trafficking, a child at risk) and a named person: seen only by who recorded it, the case workers of its case and the case supervisors.', verbose_name='restricted'),
        ),
        migrations.AlterField(
            model_name='contact',
            name='topic',
            field=models.CharField(choices=[('safe_migration', 'Safe migration and procedures'), ('documents', 'Documents'), ('jobs', 'Jobs and agencies'), ('rights', 'Rights and contracts'), ('gbv', 'Violence and harassment'), ('trafficking', 'Trafficking'), ('child_at_risk', 'A child at risk'), ('remittance', 'Money and remittances'), ('reintegration', 'Return and reintegration'), ('family', 'Family left behind'), ('other', 'Other')], max_length=20, verbose_name='topic'),
        ),
        migrations.RunPython(mark_restricted, migrations.RunPython.noop),
    ]
