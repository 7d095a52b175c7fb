"""Writes of the import of an office's existing register (XLSX or CSV) into the person registry.

The flow: `create_import_job` stores the upload (checked by its bytes, not its name), reads the
column headings and proposes a mapping; `set_mapping` fixes which column feeds which field;
`start_import` queues the task (`people.tasks.run_import_task`), which runs the worker
(`people.import_worker.services.run_import`): it validates every row, reports every problem of a row
at once (with its spreadsheet row number, the heading row being row 1) and registers the valid
rows through `register_person` (so each is audited), one transaction per batch of 200 rows.
This package enqueues and never imports the worker; the task does (no import cycle: the worker
lives beside `people/tasks.py`, outside this package, because the task imports it and this
package imports the task).

Importing is idempotent: a row whose NIK is already registered anywhere, or (without NIK) that
matches a person of the same office by name key, date of birth and village, is counted as
unchanged and nothing is written. A NIK that appears twice in the file is an error on the later
row. Nothing here logs or stores a value from the file outside the registry itself: logs name the
job by id and row by number, `ImportJob.failure` holds a generic message.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import uuid
from pathlib import PurePath

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.core.retention import RunContext
from satuatap.core.spreadsheets import (
    NotASpreadsheetError,
    read_spreadsheet_upload,
    read_table,
)
from satuatap.people.imports.mapping import REQUIRED_FIELDS, mapping_problems, propose_mapping
from satuatap.people.models import ImportJob, ImportStatus
from satuatap.people.tasks import run_import_task

logger = logging.getLogger(__name__)


def _not_a_spreadsheet() -> DomainError:
    return DomainError(
        "unsupported_file_type",
        _(
            "This file is not an Excel workbook (.xlsx) or a CSV file. "
            "Save the register as .xlsx or .csv and upload it again."
        ),
    )


def _require_registry_access(by: User) -> None:
    if not by.has_perm("people.list_person") or by.office is None:
        raise DomainError("forbidden", _("You may not import people."), status=403)


def _require_own_job(job: ImportJob, by: User) -> None:
    _require_registry_access(by)
    if job.office_id != by.office_id_or_none:
        raise DomainError("not_found", _("This import was not found."), status=404)


def create_import_job(*, uploaded_file: File, by: User) -> ImportJob:
    """Store an uploaded register, read its headings, propose a mapping and count its rows."""
    _require_registry_access(by)
    original_name = PurePath(getattr(uploaded_file, "name", "") or "").name
    data, extension = read_spreadsheet_upload(
        uploaded_file,
        not_a_spreadsheet=_not_a_spreadsheet(),
        too_large_message=_("The file is too large. A register may be at most %(size)s MB."),
    )
    try:
        columns, rows = read_table(data, extension)
        total_rows = sum(1 for _row in rows)
    except (NotASpreadsheetError, csv.Error) as error:
        raise _not_a_spreadsheet() from error
    except Exception as error:  # openpyxl raises many kinds of error on a broken workbook
        logger.warning("import upload by user %s unreadable: %s", by.pk, type(error).__name__)
        raise _not_a_spreadsheet() from error
    if not columns:
        raise DomainError(
            "no_headings", _("The first row of the file must hold the column headings.")
        )
    job = ImportJob(
        office=by.office,
        uploaded_by=by,
        original_name=original_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        columns=columns,
        mapping=propose_mapping(columns),
        total_rows=total_rows,
    )
    # Never the uploader's file name in storage: it may hold a name or a NIK. The file is
    # stored (encrypted) first; if the row cannot be saved, the file goes again.
    job.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(data), save=False)
    try:
        with transaction.atomic():
            job.save()
    except BaseException:
        job.file.storage.delete(job.file.name)
        raise
    return job


def set_mapping(*, job: ImportJob, mapping: dict[str, str], by: User) -> ImportJob:
    """Choose which column feeds each field. Raises DomainError with per-field `details`."""
    _require_own_job(job, by)
    if job.status != ImportStatus.UPLOADED:
        raise DomainError(
            "already_started", _("This import has started; its columns are fixed."), status=409
        )
    mapping = {name: column for name, column in mapping.items() if column}
    problems = mapping_problems(columns=job.columns, mapping=mapping)
    if problems:
        raise DomainError(
            "invalid_mapping",
            _("Some columns are not chosen correctly."),
            details=problems,
        )
    with transaction.atomic():
        job.mapping = mapping
        job.save(update_fields=["mapping"])
    return job


def start_import(*, job: ImportJob, by: User, run_in_background: bool = True) -> ImportJob:
    """Queue the import. With `run_in_background=False` the caller runs
    `people.import_worker.services.run_import` itself."""
    _require_own_job(job, by)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.FAILED):
        raise DomainError("already_started", _("This import has already started."), status=409)
    missing = [name for name in REQUIRED_FIELDS if name not in job.mapping]
    if missing:
        raise DomainError("invalid_mapping", _("Choose the columns to import first."))
    with transaction.atomic():
        job.status = ImportStatus.QUEUED
        job.processed_rows = job.created_count = job.unchanged_count = 0
        job.error_rows, job.failure, job.finished_at = [], "", None
        job.save()
        if run_in_background:
            job_id = job.pk
            user_id = by.pk
            transaction.on_commit(lambda: run_import_task(job_id, by_user_id=user_id))
    return job


def purge_import_files(pks: list[int], context: RunContext | None = None) -> list[int]:
    """The retention schedule's purge of old imports (`people/retention.py`, record class
    `register_imports`): the uploaded file, its column headings and its list of rejected rows
    go; the job's counts stay."""
    for job in ImportJob.objects.filter(pk__in=pks):
        if job.file:
            job.file.delete(save=False)
        job.file = ""
        job.error_rows = []
        job.columns = []
        job.mapping = {}
        job.save(update_fields=["file", "error_rows", "columns", "mapping"])
    return pks
