"""The worker of a background export (`exports.services.start_export`), run by the task
`reports.tasks.run_export_task`: makes the file, saving the percent done as it goes. The
permission is checked again before anything is made (`access.export_office`).
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.storage import StorageUnavailable
from satuatap.reports.export_models import ExportJob, ExportStatus
from satuatap.reports.exports.access import export_office
from satuatap.reports.exports.builders import build_export
from satuatap.reports.exports.common import ExportParameters

logger = logging.getLogger("satuatap.reports.exports.worker")


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
        except StorageUnavailable:
            # Logged by the storage (satuatap.storage); nothing was kept.
            return _fail(
                job,
                _(
                    "The export was made, but the file storage cannot be reached, so it could "
                    "not be kept. Ask for it again in a few minutes."
                ),
            )
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
