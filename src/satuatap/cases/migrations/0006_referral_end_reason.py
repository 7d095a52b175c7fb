"""Why a partner's access to a referral ended: consent withdrawn (the only way before), the case
closed, or the office revoked it. Referrals of cases closed before this migration end now: a
closed case no longer shares anything with a partner."""

from django.db import migrations, models
from django.db.models import Q


def end_access(apps, schema_editor):
    Referral = apps.get_model("cases", "Referral")
    Referral.objects.filter(stopped_at__isnull=False).update(end_reason="consent_withdrawn")
    closed = Referral.objects.filter(stopped_at__isnull=True, case__status="closed")
    for pk, closed_at, sent_at in closed.values_list("pk", "case__closed_at", "sent_at"):
        Referral.objects.filter(pk=pk).update(
            stopped_at=closed_at or sent_at, end_reason="case_closed"
        )


class Migration(migrations.Migration):
    dependencies = [("cases", "0005_restricted_contacts")]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="end_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("consent_withdrawn", "Consent withdrawn"),
                    ("case_closed", "Case closed"),
                    ("revoked", "Revoked by the office"),
                ],
                max_length=20,
                verbose_name="why the partner's access ended",
            ),
        ),
        migrations.AlterField(
            model_name="referral",
            name="stopped_at",
            field=models.DateTimeField(
                blank=True, null=True, verbose_name="partner's access ended"
            ),
        ),
        migrations.RunPython(end_access, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="referral",
            constraint=models.CheckConstraint(
                condition=Q(end_reason="", stopped_at__isnull=True)
                | (Q(stopped_at__isnull=False) & ~Q(end_reason="")),
                name="referral_end_reason_iff_ended",
            ),
        ),
    ]
