"""The audit trail: changes through django-auditlog, reads of sensitive records with a purpose.

Every create/update/delete of a registered model becomes an auditlog `LogEntry`; a read of a
record marked sensitive becomes an `ACCESS` entry whose `additional_data` holds the purpose the
reader picked. Nothing in the application edits or deletes these entries.
"""

from __future__ import annotations

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class ReadPurpose(models.TextChoices):
    SERVICE = "service", _("Serving the person at a desk")
    CASE_HANDLING = "case", _("Handling the person's case")
    VERIFICATION = "verification", _("Verifying documents or identity")
    SUPERVISION = "supervision", _("Supervision or quality review")
    DATA_SUBJECT_REQUEST = "data_subject", _("The person's own data request")
    LEGAL = "legal", _("Legal obligation or audit")


def encrypted_fields(model: type[models.Model]) -> list[str]:
    """The model's encrypted columns: auditlog must leave them out (`exclude_fields`), or it would
    copy their decrypted text into its change entries."""
    from satuatap.core.encryption import EncryptedTextField

    return [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]


def mask_fully(value: str) -> str:
    """Mask for auditlog's mask_fields: hide the whole value, keep only its length class."""
    return "********" if value else value


def register_models() -> None:
    from satuatap.core.models import ApiToken, Desk, Organisation, RoleAssignment, User

    auditlog.register(
        User,
        exclude_fields=["password", "last_login"],
    )
    auditlog.register(RoleAssignment)
    auditlog.register(Organisation, m2m_fields={"partner_offices"})
    auditlog.register(Desk)
    auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
    # Second-factor devices: set-up, confirmation and removal, never the secret or the counters.
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    otp_counters = ["throttling_failure_timestamp", "throttling_failure_count", "last_used_at"]
    auditlog.register(TOTPDevice, exclude_fields=["key", "last_t", "drift", *otp_counters])
    auditlog.register(StaticDevice, exclude_fields=otp_counters)


def log_sensitive_read(*, user, instance: models.Model, purpose: str) -> LogEntry:
    """Record that `user` read the sensitive record `instance` for `purpose`."""
    if purpose not in ReadPurpose.values:
        raise ValueError(f"unknown read purpose {purpose!r}")
    with transaction.atomic():
        return LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(instance.__class__),
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=f"{instance._meta.model_name} #{instance.pk}",
            action=LogEntry.Action.ACCESS,
            actor=user,
            changes={},
            additional_data={"purpose": purpose},
        )
