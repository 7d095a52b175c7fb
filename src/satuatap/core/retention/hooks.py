"""The core's own record class in the retention schedule: the audit trail (`apps.py` registers
it). Entries about a held person or a case still kept stay (`audit_keep_filter`)."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.db import models

from satuatap.core.retention import Cutoff, RecordClass, audit_keep_filter, register_record_class
from satuatap.core.retention.services import delete_audit_entries


def _old_audit_entries(cutoff: Cutoff) -> models.QuerySet:
    return LogEntry.objects.filter(timestamp__lt=cutoff.moment)


def _audit_not_held(entries: models.QuerySet) -> models.QuerySet:
    keep = audit_keep_filter()
    return entries.exclude(keep) if keep is not None else entries


def register_core_classes() -> None:
    from django.utils.translation import gettext_lazy

    register_record_class(
        RecordClass(
            key="audit_entries",
            label=gettext_lazy("Audit trail entries"),
            default="10y",
            counted_from=gettext_lazy("the moment of the entry"),
            action=gettext_lazy(
                "deleted, except the entries about a held person or a case still kept"
            ),
            due=_old_audit_entries,
            exclude_held=_audit_not_held,
            purge=delete_audit_entries,
            office=None,
            order=90,
            batch_size=1000,
        )
    )
