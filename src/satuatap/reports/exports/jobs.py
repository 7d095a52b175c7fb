"""Exports that run in the background: asked for on the exports page, made by huey
(`reports.tasks.run_export_task` → `run_export`), downloaded by the person who asked.

- Who may export what: office staff with `reports.view_office_reports` their own office;
  `reports.view_national_reports` (national analyst, administrator) any office or every office
  together. The numbers are the report selectors' for that person, suppressed as they return
  them; the permission is checked again when the job runs and when the file is downloaded.
- The file lands under `MEDIA_ROOT/exports/` (never served directly) and is kept
  `RETENTION_DAYS` days (the `exports` class of the retention schedule, `SATUATAP_RETENTION`);
  the nightly retention run removes older ones (`reports/retention.py`).
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.reports.export_models import ExportJob, ExportKind, ExportStatus
from satuatap.reports.exports.builders import build_export
from satuatap.reports.exports.common import ExportParameters
from satuatap.reports.retention import RETENTION_DAYS  # noqa: F401 (the schedule's default)

logger = logging.getLogger(__name__)

# A person may have this many exports waiting or running at once.
MAX_RUNNING_PER_USER = 3


def may_export(user) -> bool:
    return user.is_authenticated and (
        user.has_perm("reports.view_office_reports")
        or user.has_perm("reports.view_national_reports")
    )


def may_export_national(user) -> bool:
    return user.is_authenticated and user.has_perm("reports.view_national_reports")


def export_office(user, params: ExportParameters):
    """The office the export covers (None for national), if the user may export it; else a
    DomainError (403 for national, 404 for an office they may not see: its existence is not
    confirmed)."""
    from satuatap.reports.selectors import visible_report_offices

    if not may_export(user):
        raise DomainError("forbidden", _("You may not export reports."), status=403)
    if params.office_id is None:
        if not may_export_national(user):
            raise DomainError(
                "forbidden", _("Only national analysts may export every office."), status=403
            )
        return None
    office = visible_report_offices(user).filter(pk=params.office_id).first()
    if office is None:
        raise DomainError("not_found", _("There is no such office."), status=404)
    return office


def visible_export_jobs(user):
    """The user's own exports, newest first. Nobody sees another person's."""
    return ExportJob.objects.filter(requested_by=user).select_related("office")


def get_own_export_job(user, job_id: int) -> ExportJob | None:
    return visible_export_jobs(user).filter(pk=job_id).first()


def get_downloadable_export_job(user, job_id: int) -> ExportJob | None:
    """The user's finished export with its file, if they may still make it: a right lost since
    (another office, no longer national) hides it like any other job (404), whatever the
    refusal."""
    job = get_own_export_job(user, job_id)
    if job is None or job.status != ExportStatus.DONE or not job.file:
        return None
    try:
        export_office(user, ExportParameters.from_json(job.parameters))
    except DomainError:
        return None
    return job


def start_export(*, by, kind: str, params: ExportParameters) -> ExportJob:
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
        from satuatap.reports.tasks import run_export_task  # tasks imports this module

        job_id = job.pk
        user_id = by.pk
        transaction.on_commit(lambda: run_export_task(job_id, by_user_id=user_id))
    return job


def _fail(job: ExportJob, message: str) -> ExportJob:
    job.status = ExportStatus.FAILED
    job.failure = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "finished_at"])
    return job


def run_export(job_id: int) -> ExportJob:
    """The worker: make the file, saving the percent done as it goes."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.QUEUED).update(
        status=ExportStatus.RUNNING, progress=0
    )
    job = ExportJob.objects.select_related("requested_by", "office").get(pk=job_id)
    if not claimed:  # already running or finished
        return job
    user = job.requested_by
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        try:
            params = ExportParameters.from_json(job.parameters)
            export_office(user, params)
        except DomainError:
            return _fail(job, _("The person who asked for this export may no longer make it."))
        except (KeyError, TypeError, ValueError):
            return _fail(job, _("The export's parameters could not be read."))
        shown = {"percent": 0}

        def on_progress(done: int, total: int) -> None:
            # Saved only when the whole percent changes; 100 only once the file is saved.
            percent = min(99, done * 100 // total)
            if percent > shown["percent"]:
                shown["percent"] = percent
                ExportJob.objects.filter(pk=job.pk).update(progress=percent)

        try:
            made = build_export(job.kind, params, viewer=user, on_progress=on_progress)
            job.refresh_from_db(fields=["progress"])
            job.filename = made.filename
            job.file.save(f"{job.pk}-{made.filename}", ContentFile(made.content), save=False)
        except Exception:
            # The job id only: the export's numbers never go into a log.
            logger.exception("export %s failed", job.pk)
            job.refresh_from_db(fields=["progress"])
            return _fail(job, _("The export stopped because of an unexpected error."))
        job.status = ExportStatus.DONE
        job.progress = 100
        job.finished_at = timezone.now()
        job.save(update_fields=["filename", "file", "status", "progress", "finished_at"])
    return job


def purge_old_exports(*, now: datetime.datetime | None = None) -> int:
    """Remove exports (and their files) finished more than their retention period ago (the
    `exports` class of the retention schedule, `RETENTION_DAYS` days unless configured): what
    the nightly retention run does for this class."""
    from satuatap.core.retention import Cutoff, get_record_class, period_of
    from satuatap.reports.retention import delete_exports

    record_class = get_record_class("exports")
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
