"""Reads of the background exports: a person's own jobs, and the one they may download."""

from __future__ import annotations

from django.db.models import QuerySet

from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.reports.export_models import ExportJob, ExportStatus
from satuatap.reports.exports.access import export_office
from satuatap.reports.exports.common import ExportParameters


def visible_export_jobs(user: User) -> QuerySet[ExportJob]:
    """The user's own exports, newest first. Nobody sees another person's."""
    return ExportJob.objects.filter(requested_by=user).select_related("office")


def get_own_export_job(user: User, job_id: int) -> ExportJob | None:
    return visible_export_jobs(user).filter(pk=job_id).first()


def get_downloadable_export_job(user: User, job_id: int) -> ExportJob | None:
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
