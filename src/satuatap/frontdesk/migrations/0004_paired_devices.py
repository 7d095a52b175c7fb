"""Devices are paired by a short code the device shows and the office head confirms, instead of
a secret link (issue 19). The links become devices, keeping their audit history; since a device
now holds its credential in a cookie, none of the old links can work any more: those still
active are marked revoked, and each screen and kiosk shows a pairing code until it is paired
again (README, "Pairing a calling screen or kiosk")."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def revoke_old_links(apps, schema_editor):
    Device = apps.get_model("frontdesk", "Device")
    Device.objects.filter(revoked_at__isnull=True, token_hash__isnull=True).update(
        revoked_at=timezone.now()
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_role_national_placement"),
        ("frontdesk", "0003_encrypt_service_record_notes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameModel("DisplayLink", "Device"),
        migrations.RemoveField(model_name="device", name="token"),
        migrations.AlterModelOptions(
            name="device",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "device",
                "verbose_name_plural": "devices",
            },
        ),
        migrations.AlterField(
            model_name="device",
            name="name",
            field=models.CharField(max_length=100, verbose_name="where it is"),
        ),
        migrations.AlterField(
            model_name="device",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="paired at"),
        ),
        migrations.AlterField(
            model_name="device",
            name="revoked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="revoked at"),
        ),
        migrations.AddField(
            model_name="device",
            name="token_hash",
            field=models.CharField(blank=True, max_length=64, null=True, unique=True),
        ),
        migrations.AddField(
            model_name="device",
            name="last_seen_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last seen"),
        ),
        migrations.AddField(
            model_name="device",
            name="revoked_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AddField(
            model_name="device",
            name="desks",
            field=models.ManyToManyField(
                blank=True,
                help_text="A calling screen's desks; none: every desk of the office.",
                related_name="+",
                to="core.desk",
                verbose_name="desks shown",
            ),
        ),
        migrations.CreateModel(
            name="DevicePairing",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("code", models.CharField(max_length=8, unique=True)),
                ("secret_hash", models.CharField(max_length=64, unique=True)),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("screen", "Calling screen"),
                            ("kiosk", "Exit kiosk (satisfaction survey)"),
                        ],
                        max_length=8,
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("expires_at", models.DateTimeField()),
                ("confirmed_at", models.DateTimeField(blank=True, null=True)),
                ("claimed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "device",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="pairing",
                        to="frontdesk.device",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["expires_at"], name="frontdesk_d_expires_1f8f94_idx")
                ]
            },
        ),
        migrations.CreateModel(
            name="PairingFailure",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["user", "at"], name="frontdesk_p_user_id_3bc652_idx")
                ]
            },
        ),
        migrations.RunPython(revoke_old_links, migrations.RunPython.noop),
    ]
