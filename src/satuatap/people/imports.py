"""Import of an office's existing register (XLSX or CSV) into the person registry.

The flow: `create_import_job` stores the upload (checked by its bytes, not its name), reads the
column headings and proposes a mapping; `set_mapping` fixes which column feeds which field;
`start_import` queues the task (`people.tasks.run_import_task`), which runs the worker
(`people.import_worker.run_import`): it validates every row, reports every problem of a row
at once (with its spreadsheet row number, the heading row being row 1) and registers the valid
rows through `register_person` (so each is audited), one transaction per batch of 200 rows.
This module enqueues and never imports the worker; the task does (no import cycle).

Importing is idempotent: a row whose NIK is already registered anywhere, or (without NIK) that
matches a person of the same office by name key, date of birth and village, is counted as
unchanged and nothing is written. A NIK that appears twice in the file is an error on the later
row. Nothing here logs or stores a value from the file outside the registry itself: logs name the
job by id and row by number, `ImportJob.failure` holds a generic message.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import uuid
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.exceptions import DomainError
from satuatap.core.spreadsheets import (
    NotASpreadsheetError,
    match_key,
    read_spreadsheet_upload,
    read_table,
)
from satuatap.people.models import ImportJob, ImportStatus
from satuatap.people.tasks import run_import_task

logger = logging.getLogger(__name__)

# The fields a column can feed, in the order the mapping form shows them.
IMPORT_FIELDS: dict[str, Any] = {
    "full_name": gettext_lazy("Full name"),
    "nik": gettext_lazy("NIK"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Date of birth"),
    "birth_place": gettext_lazy("Place of birth"),
    "phone": gettext_lazy("Phone numbers"),
    "village": gettext_lazy("Village code"),
    "address": gettext_lazy("Address"),
    "marital_status": gettext_lazy("Marital status"),
    "education": gettext_lazy("Education"),
}
REQUIRED_FIELDS = ("full_name", "sex")


# Headings (Indonesian and English) recognised for each field, compared by `match_key`.
HEADING_SYNONYMS: dict[str, tuple[str, ...]] = {
    "full_name": ("Nama", "Nama Lengkap", "Nama CPMI", "Nama PMI", "Name", "Full name"),
    "nik": ("NIK", "No KTP", "Nomor KTP", "KTP", "Nomor Induk Kependudukan", "ID number"),
    "sex": ("Jenis Kelamin", "JK", "L/P", "Kelamin", "Sex", "Gender"),
    "birth_date": ("Tanggal Lahir", "Tgl Lahir", "Tgl. Lhr", "Date of birth", "Birth date", "DOB"),
    "birth_place": ("Tempat Lahir", "Tmp Lahir", "Place of birth", "Birthplace"),
    "phone": (
        "No HP",
        "No. Telp",
        "Nomor HP",
        "Nomor Telepon",
        "Telepon",
        "Telp",
        "HP",
        "WhatsApp",
        "No WA",
        "WA",
        "Phone",
        "Phone number",
        "Mobile",
    ),
    "village": ("Kode Desa", "Desa", "Kode Desa/Kelurahan", "Kelurahan", "Village", "Village code"),
    "address": ("Alamat", "Alamat Lengkap", "Address"),
    "marital_status": ("Status Perkawinan", "Status Kawin", "Perkawinan", "Marital status"),
    "education": ("Pendidikan", "Pendidikan Terakhir", "Education"),
}
_HEADING_FIELD = {
    match_key(heading): name for name, hs in HEADING_SYNONYMS.items() for heading in hs
}


def _not_a_spreadsheet() -> DomainError:
    return DomainError(
        "unsupported_file_type",
        _(
            "This file is not an Excel workbook (.xlsx) or a CSV file. "
            "Save the register as .xlsx or .csv and upload it again."
        ),
    )


def propose_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Field → heading for each heading recognised by its synonyms (first column wins)."""
    mapping: dict[str, str] = {}
    for column in columns:
        name = _HEADING_FIELD.get(match_key(column))
        if name and name not in mapping:
            mapping[name] = column
    return mapping


# --- Jobs ------------------------------------------------------------------------------------


def _require_registry_access(by) -> None:
    if not by.has_perm("people.list_person") or by.office is None:
        raise DomainError("forbidden", _("You may not import people."), status=403)


def _require_own_job(job: ImportJob, by) -> None:
    _require_registry_access(by)
    if job.office_id != by.office_id_or_none:
        raise DomainError("not_found", _("This import was not found."), status=404)


def visible_import_jobs(user):
    """The imports of the user's office (none for a user without registry access)."""
    if not user.has_perm("people.list_person"):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(office_id=user.office_id_or_none).select_related("uploaded_by")


def get_visible_import_job(user, job_id: int) -> ImportJob | None:
    return visible_import_jobs(user).filter(pk=job_id).first()


def create_import_job(*, uploaded_file, by) -> ImportJob:
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


def mapping_problems(*, columns: list[str], mapping: dict[str, str]) -> dict[str, str]:
    """Field → what is wrong with its column: required fields, existing columns, each used once."""
    mapping = {name: column for name, column in mapping.items() if column}
    problems: dict[str, str] = {}
    for name in mapping:
        if name not in IMPORT_FIELDS:
            problems[name] = _("This is not a field that can be imported.")
    for name in REQUIRED_FIELDS:
        if name not in mapping:
            problems[name] = _("Choose the column that holds this field.")
    used: dict[str, str] = {}
    for name, column in mapping.items():
        if column not in columns:
            problems[name] = _("The file has no column with this heading.")
        elif column in used:
            problems[name] = _("This column is already used for “%(field)s”.") % {
                "field": IMPORT_FIELDS.get(used[column], used[column])
            }
        else:
            used[column] = name
    return problems


def set_mapping(*, job: ImportJob, mapping: dict[str, str], by) -> ImportJob:
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


def start_import(*, job: ImportJob, by, run_in_background: bool = True) -> ImportJob:
    """Queue the import. With `run_in_background=False` the caller runs
    `import_worker.run_import` itself."""
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


def error_count(job: ImportJob) -> int:
    """Rows that were not imported because of errors."""
    return sum(1 for entry in job.error_rows if entry.get("errors"))


# --- The error report ------------------------------------------------------------------------

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value: Any) -> str:
    """A spreadsheet cannot run it as a formula (CSV injection)."""
    text = str(value)
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def error_report_csv(job: ImportJob) -> str:
    """The per-row report as CSV text (with a BOM so Excel reads it as UTF-8)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Row"), _("Level"), _("Message")])
    for entry in job.error_rows:
        for level, key in ((_("error"), "errors"), (_("warning"), "warnings")):
            for message in entry.get(key, []):
                writer.writerow([entry["row"], _safe_cell(level), _safe_cell(message)])
    return out.getvalue()
