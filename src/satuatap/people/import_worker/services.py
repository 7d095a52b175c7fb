"""The worker of a register import: `run_import` claims a queued job, registers its valid rows
batch by batch through `register_person` and saves the job's progress, end or failure."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.spreadsheets import NotASpreadsheetError
from satuatap.core.storage import StorageUnavailable
from satuatap.people.import_worker.rows import RowReader, read_job_file
from satuatap.people.models import ImportJob, ImportStatus, Person
from satuatap.people.names import name_key
from satuatap.people.services import register_person

logger = logging.getLogger("satuatap.people.import_worker")

BATCH_SIZE = 200


@dataclass
class _BatchOutcome:
    created: int = 0
    unchanged: int = 0
    reports: list[dict] = field(default_factory=list)
    seen_niks: dict[str, int] = field(default_factory=dict)


def _import_batch(
    job: ImportJob,
    reader: RowReader,
    batch: list[tuple[int, list[Any]]],
    seen_niks: dict[str, int],
) -> _BatchOutcome:
    outcome = _BatchOutcome()
    reader.prefetch_villages(batch)
    results = [reader.read(number, row) for number, row in batch]
    niks = {r.values["nik"] for r in results if r.values["nik"]}
    registered_niks = set(Person.objects.filter(nik__in=niks).values_list("nik", flat=True))
    keys = {name_key(r.values["full_name"]) for r in results if not r.values["nik"]}
    known_people: set[tuple[str, datetime.date | None, str | None]] = set(
        Person.objects.filter(office=job.office, nik__isnull=True, name_key__in=keys)
        .values_list("name_key", "birth_date", "village_id")
        .iterator()
    )
    for result in results:
        nik = result.values["nik"]
        if nik:
            first_row = seen_niks.get(nik, outcome.seen_niks.get(nik))
            if first_row is not None:
                result.errors.append(
                    _("The same NIK is on row %(row)s of this file.") % {"row": first_row}
                )
            else:
                outcome.seen_niks[nik] = result.row
        if result.errors or result.warnings:
            outcome.reports.append(
                {"row": result.row, "errors": result.errors, "warnings": result.warnings}
            )
        if result.errors:
            continue
        values = result.values
        village = values["village"]
        person_key = (
            name_key(values["full_name"]),
            values["birth_date"],
            village.pk if village else None,
        )
        if (nik and nik in registered_niks) or (not nik and person_key in known_people):
            outcome.unchanged += 1
            continue
        try:
            register_person(
                by=job.uploaded_by,
                full_name=values["full_name"],
                sex=values["sex"],
                nik=nik,
                birth_date=values["birth_date"],
                birth_place=values["birth_place"],
                village=village,
                address=values["address"],
                marital_status=values["marital_status"],
                education=values["education"],
                phones=values["phones"],
                nik_missing_reason=""
                if nik
                else _("No NIK in the imported register (import #%(id)s).") % {"id": job.pk},
            )
        except DomainError as error:
            if error.code != "duplicate_nik":  # registered meanwhile at the desk: unchanged
                raise
            outcome.unchanged += 1
        else:
            outcome.created += 1
            if nik:
                registered_niks.add(nik)
            else:
                known_people.add(person_key)
    return outcome


def _fail(job: ImportJob, message: str) -> ImportJob:
    job.status = ImportStatus.FAILED
    job.failure = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "failure", "finished_at"])
    return job


def _batches(
    rows: Iterator[tuple[int, list[Any]]], size: int
) -> Iterator[list[tuple[int, list[Any]]]]:
    batch: list[tuple[int, list[Any]]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_import(job_id: int, *, on_progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """The worker: import a queued job batch by batch, saving its progress after each batch."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    job = ImportJob.objects.select_related("office", "uploaded_by").get(pk=job_id)
    if not claimed:  # already running, finished, or never started: nothing to do
        return job
    user = job.uploaded_by
    with translation.override(getattr(user, "language", None) or settings.LANGUAGE_CODE):
        if not user.has_perm("people.list_person") or user.office_id_or_none != job.office_id:
            return _fail(
                job, _("The person who uploaded this file may no longer register people here.")
            )
        try:
            columns, rows = read_job_file(job)
            missing = [column for column in job.mapping.values() if column not in columns]
            if missing:
                raise NotASpreadsheetError
            reader = RowReader(job, columns)
        except StorageUnavailable as error:  # logged by the storage
            return _fail(job, error.message)
        except Exception:
            logger.exception("import %s: file could not be read", job.pk)
            return _fail(job, _("The file could not be read again. Upload it once more."))
        seen_niks: dict[str, int] = {}
        batch_start = 0
        try:
            for batch in _batches(rows, BATCH_SIZE):
                batch_start = batch[0][0]
                with transaction.atomic():
                    outcome = _import_batch(job, reader, batch, seen_niks)
                    job.processed_rows += len(batch)
                    job.created_count += outcome.created
                    job.unchanged_count += outcome.unchanged
                    job.error_rows = [*job.error_rows, *outcome.reports]
                    job.save(
                        update_fields=[
                            "processed_rows",
                            "created_count",
                            "unchanged_count",
                            "error_rows",
                        ]
                    )
                seen_niks.update(outcome.seen_niks)
                if on_progress:
                    on_progress(job)
        except Exception:
            # Only the job id, the row number and the kind of error: never a value from the file.
            logger.exception("import %s failed in the batch from row %s", job.pk, batch_start)
            job.refresh_from_db()
            return _fail(
                job,
                _(
                    "The import stopped because of an unexpected error. The rows imported "
                    "before it are kept; start the import again to finish it."
                ),
            )
        job.status = ImportStatus.DONE
        job.finished_at = timezone.now()
        job.total_rows = job.processed_rows
        job.save(update_fields=["status", "finished_at", "total_rows"])
    return job
