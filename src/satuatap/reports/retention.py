"""The reports' record class in the retention schedule (`core/retention/`): exports.

An export file holds aggregates only, suppressed for the person who asked, but it is a copy
outside the dashboards' control: it goes (file and record) once its period has run out. This
replaces the separate nightly purge the exports had.
"""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from satuatap.core.retention import Cutoff, RecordClass, register_record_class
from satuatap.reports.export_models import ExportJob, ExportStatus
from satuatap.reports.exports.services import delete_exports

# The default period of the `exports` class.
RETENTION_DAYS = 7


def _due(cutoff: Cutoff):
    finished = Q(finished_at__lt=cutoff.moment)
    # A job that never finished (the worker died) is stale too once it is that old.
    stale = Q(
        finished_at__isnull=True,
        created_at__lt=cutoff.moment,
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING],
    )
    return ExportJob.objects.filter(finished | stale)


def register() -> None:
    register_record_class(
        RecordClass(
            key="exports",
            label=_("Report exports"),
            default=f"{RETENTION_DAYS}d",
            counted_from=_("the moment the export was ready (or failed)"),
            action=_("the file and its record are deleted"),
            due=_due,
            purge=delete_exports,
            office="office_id",
            order=5,
        )
    )
