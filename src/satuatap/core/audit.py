"""The audit trail: changes through django-auditlog, reads of sensitive records with a purpose.

Every create/update/delete of a registered model becomes an auditlog `LogEntry`; a read of a
sensitive record becomes an `ACCESS` entry whose `additional_data` holds the purpose the reader
picked (written by `core.sensitive`, the one sensitive-data policy). Nothing in the application
edits or deletes these entries, except erasure and retention: `erase_audit_values` replaces the
personal values of an erased record (its NIK, name, phone numbers…) with a marker, keeping who did
what to which record and when; the retention schedule deletes entries older than their period
(`core/retention/`, class `audit_entries`).

What the trail *shows* of an entry's values is decided here too: the values of a record that
holds nobody's personal data (a user account, an office, a desk, an agency of the national list)
are shown; the values of every record about a person or a case (the registry, visits, placement
files, outreach, every MRC record, restricted or not) are withheld, for everyone, the same way:
the trail says that such a record changed, by whom and when, never what. Withholding them all,
not only the restricted ones, keeps the trail from telling which records are restricted or which
persons are in a restricted case. An app opts a model's values in with `show_values_of`.

Who made each change is decided in `core.attribution`: every entry gets its actor (or the named
system job or command it was made for) and, for an API call, the id of the token used.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _

ERASED = "[erased]"


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


def stored_value(value):
    """A value as an audit entry stored it, for reading: django-auditlog writes an empty value
    as the text "None", which a page would show as an English word."""
    return "" if value in ("None", None) else value


def mask_fully(value: str) -> str:
    """Mask for auditlog's mask_fields: hide the whole value, keep only its length class.
    No value (auditlog writes `None` as "None") stays as it is: that there is none is no
    secret, and a history must not say a record had one."""
    return "********" if value and value != "None" else value


_models_with_values: set[type[models.Model]] = set()


def show_values_of(*models_: type[models.Model]) -> None:
    """Let the trail show the changed values of these models: only for records that hold no
    personal data and nothing about a case."""
    _models_with_values.update(models_)


def entries_with_values(entries: Iterable) -> set[int]:
    """The ids of the entries whose changed values the trail may show."""
    return {
        entry.pk for entry in entries if entry.content_type.model_class() in _models_with_values
    }


def register_models() -> None:
    from satuatap.core.models import (
        ApiToken,
        Desk,
        Organisation,
        PartnerContact,
        RoleAssignment,
        RoleGrant,
        User,
    )

    auditlog.register(
        User,
        exclude_fields=["password", "last_login"],
    )
    auditlog.register(RoleAssignment)
    auditlog.register(RoleGrant)
    auditlog.register(PartnerContact)
    auditlog.register(Organisation, m2m_fields={"partner_offices"})
    auditlog.register(Desk)
    auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])
    # Second-factor devices: set-up, confirmation and removal, never the secret or the counters.
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    otp_counters = ["throttling_failure_timestamp", "throttling_failure_count", "last_used_at"]
    auditlog.register(TOTPDevice, exclude_fields=["key", "last_t", "drift", *otp_counters])
    auditlog.register(StaticDevice, exclude_fields=otp_counters)
    # A partner's contact person: work contact details the office keeps, like a user account.
    show_values_of(
        User,
        RoleAssignment,
        RoleGrant,
        Organisation,
        PartnerContact,
        Desk,
        ApiToken,
        TOTPDevice,
        StaticDevice,
    )


def _scrub(value, pattern: re.Pattern | None):
    """`value` with every match of `pattern` (the secrets) replaced by the marker, in strings
    inside lists and dicts too."""
    if pattern is None:
        return value
    if isinstance(value, str):
        return pattern.sub(ERASED, value)
    if isinstance(value, list):
        return [_scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pattern) for key, item in value.items()}
    return value


def _erase_all(value):
    if isinstance(value, dict):  # an m2m change: {"type", "operation", "objects"}
        return {**value, "objects": [ERASED for _ in value.get("objects", [])]}
    return [ERASED, ERASED]


def erase_audit_values(model, pks, *, fields=None, values=()) -> int:
    """Erase personal values from the audit entries of these records of `model`.

    `fields=None`: every field's old and new value becomes the marker and the entry's label
    becomes `<model> #<pk>` (the record itself is erased). Otherwise only the named fields are,
    and any of `values` (a name, a NIK, a phone number) found in another value or in the label
    is cut out. Who acted, when, on which record and what kind of change stay. The number of
    entries changed."""
    pks = [str(pk) for pk in pks if pk is not None]
    if not pks:
        return 0
    secrets = sorted(
        {str(v).strip() for v in values if v and len(str(v).strip()) >= 3}, key=len, reverse=True
    )
    pattern = re.compile("|".join(map(re.escape, secrets)), re.IGNORECASE) if secrets else None
    content_type = ContentType.objects.get_for_model(model)
    changed = 0
    for start in range(0, len(pks), 500):
        entries = LogEntry.objects.filter(
            content_type=content_type, object_pk__in=pks[start : start + 500]
        ).only("pk", "object_pk", "object_repr", "changes", "changes_text")
        for entry in entries:
            old = entry.changes_dict or {}
            new = {}
            for name, pair in old.items():
                if fields is None or name in fields:
                    new[name] = _erase_all(pair)
                else:
                    new[name] = _scrub(pair, pattern)
            if fields is None:
                label = f"{model._meta.model_name} #{entry.object_pk}"
            else:
                label = _scrub(entry.object_repr, pattern)
            if new == old and label == entry.object_repr and not entry.changes_text:
                continue
            LogEntry.objects.filter(pk=entry.pk).update(
                changes=new, changes_text="", object_repr=label, serialized_data=None
            )
            changed += 1
    return changed
