"""Exports that run in the background: asked for on the exports page (`start_export` queues
the task `reports.tasks.run_export_task`, which runs `worker.run_export`; this module enqueues
and never imports the worker), downloaded by the person who asked.

- Who may export what: `access.py`. The numbers are the report selectors' for that person,
  suppressed as they return them; the permission is checked again when the job runs and when
  the file is downloaded.
- The file lands in the private storage under `exports/` (never served directly) and is kept
  `RETENTION_DAYS` days (the `exports` class of the retention schedule, `SATUATAP_RETENTION`);
  the nightly retention run removes older ones (`reports/retention.py`, `delete_exports`).

The exports' writes: queueing one (`start_export`), and removing old ones (`delete_exports`,
the schedule's purge, and `purge_old_exports`). Their reads are in `selectors.py`.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.core.retention import Cutoff, RunContext, get_record_class, period_of
from satuatap.reports.export_models import ExportJob, ExportKind, ExportStatus
from satuatap.reports.exports.access import export_office
from satuatap.reports.exports.common import ExportParameters
from satuatap.reports.exports.selectors import visible_export_jobs
from satuatap.reports.tasks import run_export_task

# A person may have this many exports waiting or running at once.
MAX_RUNNING_PER_USER = 3


def start_export(*, by: User, kind: str, params: ExportParameters) -> ExportJob:
    """Queue an export; huey makes it once the transaction commits."""
    if kind not in ExportKind.values:
        raise DomainError("invalid_kind", _("Unknown kind of export."))
    office = export_office(by, params)
    running = visible_export_jobs(by).filter(status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING])
    if running.count() >= MAX_RUNNING_PER_USER:
        raise DomainError(
            "too_many_exports",
            _("Wait until one of your exports is ready before asking for another."),
            status=429,
        )
    with transaction.atomic():
        job = ExportJob.objects.create(
            requested_by=by, office=office, kind=kind, parameters=params.to_json()
        )
        job_id = job.pk
        user_id = by.pk
        transaction.on_commit(lambda: run_export_task(job_id, by_user_id=user_id))
    return job


def purge_old_exports(*, now: datetime.datetime | None = None) -> int:
    """Remove exports (and their files) finished more than their retention period ago (the
    `exports` class of the retention schedule, `RETENTION_DAYS` days unless configured): what
    the nightly retention run does for this class."""
    record_class = get_record_class("exports")
    if record_class is None:  # registered by ReportsConfig.ready
        raise LookupError("The exports record class is not registered.")
    period = period_of(record_class)
    if period is None:
        return 0
    now = now or timezone.now()
    today = timezone.localdate(now)
    day = period.cutoff(today)
    cutoff = Cutoff(day=day, moment=now - datetime.timedelta(days=(today - day).days))
    pks = list(record_class.due(cutoff).values_list("pk", flat=True))
    delete_exports(pks)
    return len(pks)


def delete_exports(pks: list[int], context: RunContext | None = None) -> list[int]:
    """Delete these exports, their files first. The retention schedule's purge of the record
    class `exports` (`reports/retention.py`)."""
    for job in ExportJob.objects.filter(pk__in=pks):
        if job.file:
            job.file.delete(save=False)
        job.delete()
    return pks
