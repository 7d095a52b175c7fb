"""The worker of a register import (`people.imports.services`), run by the task
`people.tasks.run_import_task` (or by `satuatap import_people` in the foreground).

It validates every row, reports every problem of a row at once (with its spreadsheet row
number, the heading row being row 1) and registers the valid rows through `register_person`
(so each is audited), one transaction per batch of `BATCH_SIZE` rows, saving the job's progress
after each batch. Nothing here logs or stores a value from the file outside the registry
itself: logs name the job by id and row by number, `ImportJob.failure` holds a generic message.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from satuatap.core.exceptions import DomainError
from satuatap.core.spreadsheets import (
    XLSX,
    NotASpreadsheetError,
    cell_text,
    is_blank,
    match_key,
    parse_date,
    read_table,
)
from satuatap.core.storage import StorageUnavailable
from satuatap.people.models import (
    Education,
    ImportJob,
    ImportStatus,
    MaritalStatus,
    Person,
    Sex,
)
from satuatap.people.names import name_key
from satuatap.people.nik import check_nik
from satuatap.people.phones import PhoneError, normalise_phone
from satuatap.people.services import register_person
from satuatap.regions.models import Region, RegionLevel

logger = logging.getLogger(__name__)

BATCH_SIZE = 200

_SEX_VALUES = {
    **dict.fromkeys(("p", "perempuan", "w", "wanita", "f", "female", "woman"), Sex.FEMALE),
    **dict.fromkeys(("l", "lakilaki", "laki", "pria", "m", "male", "man"), Sex.MALE),
}
_MARITAL_VALUES = {
    **dict.fromkeys(("belumkawin", "belummenikah", "lajang", "single"), MaritalStatus.SINGLE),
    **dict.fromkeys(("kawin", "menikah", "married"), MaritalStatus.MARRIED),
    **dict.fromkeys(("ceraihidup", "cerai", "divorced"), MaritalStatus.DIVORCED),
    **dict.fromkeys(("ceraimati", "widowed"), MaritalStatus.WIDOWED),
}
_EDUCATION_VALUES = {
    **dict.fromkeys(("tidaksekolah", "tidakbersekolah", "belumsekolah", "none"), Education.NONE),
    **dict.fromkeys(("sd", "mi", "sederajat", "tamatsd"), Education.SD),
    **dict.fromkeys(("smp", "mts", "sltp"), Education.SMP),
    **dict.fromkeys(("sma", "smk", "ma", "slta"), Education.SMA),
    **dict.fromkeys(("d1", "d2", "d3", "d4", "diploma"), Education.DIPLOMA),
    **dict.fromkeys(("s1", "sarjana"), Education.BACHELOR),
    **dict.fromkeys(("s2", "s3"), Education.POSTGRADUATE),
}
_VILLAGE_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_PHONE_SEPARATORS = re.compile(r"[/,]")


def _read_file(job: ImportJob) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(headings, iterator of (spreadsheet row number, values)) skipping blank rows."""
    with job.file.open("rb") as stored:
        data = stored.read()
    return read_table(data, PurePath(job.file.name).suffix.lower())


# --- Rows ------------------------------------------------------------------------------------


@dataclass
class RowResult:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _RowReader:
    """Turns one spreadsheet row into `register_person` arguments, collecting every problem."""

    def __init__(self, job: ImportJob, columns: list[str]):
        self.is_excel = PurePath(job.file.name).suffix.lower() == XLSX
        self.indexes = {name: columns.index(column) for name, column in job.mapping.items()}
        self.today = job.office.today()
        self.villages: dict[str, Region | None] = {}

    def value(self, row: list[Any], name: str) -> Any:
        index = self.indexes.get(name)
        return row[index] if index is not None and index < len(row) else None

    def prefetch_villages(self, rows: list[tuple[int, list[Any]]]) -> None:
        read = {_village_code(cell_text(self.value(row, "village"))) for _, row in rows}
        codes = {code for code in read if code and code not in self.villages}
        found = Region.objects.filter(pk__in=codes, level=RegionLevel.VILLAGE).in_bulk()
        for code in codes:
            self.villages[code] = found.get(code)

    def read(self, number: int, row: list[Any]) -> RowResult:
        result = RowResult(row=number)
        values = result.values
        errors = result.errors

        values["full_name"] = cell_text(self.value(row, "full_name"))
        if not values["full_name"]:
            errors.append(_("The name is missing."))

        raw_sex = cell_text(self.value(row, "sex"))
        values["sex"] = _SEX_VALUES.get(match_key(raw_sex))
        if not raw_sex:
            errors.append(_("The sex is missing."))
        elif values["sex"] is None:
            errors.append(_("The sex must be L (laki-laki) or P (perempuan)."))

        raw_date = self.value(row, "birth_date")
        values["birth_date"] = None
        if not is_blank(raw_date):
            try:
                birth_date = parse_date(raw_date, is_excel=self.is_excel)
            except (ValueError, OverflowError, TypeError):
                errors.append(
                    _(
                        "The date of birth is not a real date "
                        "(write it as DD/MM/YYYY, for example 14/03/1995)."
                    )
                )
            else:
                if birth_date > self.today:
                    errors.append(_("The date of birth is in the future."))
                elif birth_date.year < 1900:
                    errors.append(_("The date of birth is before 1900."))
                else:
                    values["birth_date"] = birth_date

        raw_nik = self.value(row, "nik")
        values["nik"] = None
        if not is_blank(raw_nik):
            if isinstance(raw_nik, int | float) and not isinstance(raw_nik, bool):
                result.warnings.append(
                    _(
                        "The NIK is stored as a number: Excel keeps only 15 digits, so check "
                        "its last digit and format the column as text."
                    )
                )
            check = check_nik(
                cell_text(raw_nik),
                sex=values["sex"],
                birth_date=values["birth_date"],
                today=self.today,
            )
            errors.extend(str(issue.message) for issue in check.errors)
            result.warnings.extend(str(issue.message) for issue in check.warnings)
            if check.is_valid:
                values["nik"] = check.nik

        phones: list[str] = []
        for part in _PHONE_SEPARATORS.split(cell_text(self.value(row, "phone"))):
            if not part.strip():
                continue
            try:
                phone = normalise_phone(part.strip())
            except PhoneError as error:
                errors.append(str(error.message))
            else:
                if phone not in phones:
                    phones.append(phone)
        values["phones"] = phones

        raw_village = cell_text(self.value(row, "village"))
        values["village"] = None
        if raw_village:
            code = _village_code(raw_village)
            if code is None:
                errors.append(
                    _(
                        "The village must be its Kemendagri code, for example "
                        "32.09.01.2008 or 3209012008."
                    )
                )
            else:
                if code not in self.villages:
                    self.prefetch_villages([(number, row)])
                values["village"] = self.villages[code]
                if values["village"] is None:
                    errors.append(_("No village has the code %(code)s.") % {"code": code})

        values["birth_place"] = cell_text(self.value(row, "birth_place"))[:120]
        values["address"] = cell_text(self.value(row, "address"))[:255]
        values["full_name"] = values["full_name"][:200]

        for name, choices, message in (
            (
                "marital_status",
                _MARITAL_VALUES,
                _("The marital status must be Belum kawin, Kawin, Cerai hidup or Cerai mati."),
            ),
            (
                "education",
                _EDUCATION_VALUES,
                _("The education must be one of SD, SMP, SMA, SMK, D1–D4, S1, S2 or S3."),
            ),
        ):
            raw = cell_text(self.value(row, name))
            values[name] = choices.get(match_key(raw), "") if raw else ""
            if raw and not values[name]:
                errors.append(message)
        return result


def _village_code(text: str) -> str | None:
    text = text.strip()
    if re.fullmatch(r"\d{10}", text):
        return f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
    return text if _VILLAGE_CODE.match(text) else None


# --- The worker ------------------------------------------------------------------------------


@dataclass
class _BatchOutcome:
    created: int = 0
    unchanged: int = 0
    reports: list[dict] = field(default_factory=list)
    seen_niks: dict[str, int] = field(default_factory=dict)


def _import_batch(
    job: ImportJob,
    reader: _RowReader,
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


def _batches(rows: Iterator[tuple[int, list[Any]]], size: int):
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
            columns, rows = _read_file(job)
            missing = [column for column in job.mapping.values() if column not in columns]
            if missing:
                raise NotASpreadsheetError
            reader = _RowReader(job, columns)
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
