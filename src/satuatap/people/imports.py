"""Import of an office's existing register (XLSX or CSV) into the person registry.

The flow: `create_import_job` stores the upload (checked by its bytes, not its name), reads the
column headings and proposes a mapping; `set_mapping` fixes which column feeds which field;
`start_import` queues `run_import`, which validates every row, reports every problem of a row
at once (with its spreadsheet row number, the heading row being row 1) and registers the valid
rows through `register_person` (so each is audited), one transaction per batch of 200 rows.

Importing is idempotent: a row whose NIK is already registered anywhere, or (without NIK) that
matches a person of the same office by name key, date of birth and village, is counted as
unchanged and nothing is written. A NIK that appears twice in the file is an error on the later
row. Nothing here logs or stores a value from the file outside the registry itself: logs name the
job by id and row by number, `ImportJob.failure` holds a generic message.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
import re
import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.exceptions import DomainError
from satuatap.core.uploads import read_upload
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
# A workbook is a zip; one that unpacks to more than this many times its limit is refused.
MAX_UNPACKED_RATIO = 50
XLSX, CSV = ".xlsx", ".csv"
ALLOWED_EXTENSIONS = (XLSX, CSV)

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


def _key(text: str) -> str:
    """Lowercase letters and digits only: `No. Telp` → `notelp`, `L/P` → `lp`."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    return "".join(char for char in text if char.isalnum())


# Headings (Indonesian and English) recognised for each field, compared by `_key`.
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
_HEADING_FIELD = {_key(heading): name for name, hs in HEADING_SYNONYMS.items() for heading in hs}

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
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME_SUFFIX = re.compile(r"[ T]00:00(:00(\.0+)?)?$")
_VILLAGE_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_PHONE_SEPARATORS = re.compile(r"[/,]")


# --- Reading files ---------------------------------------------------------------------------


class _NotASpreadsheetError(Exception):
    pass


def _not_a_spreadsheet() -> DomainError:
    return DomainError(
        "unsupported_file_type",
        _(
            "This file is not an Excel workbook (.xlsx) or a CSV file. "
            "Save the register as .xlsx or .csv and upload it again."
        ),
    )


def _decode_csv(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    try:
        text = _decode_csv(data)
    except UnicodeDecodeError as error:
        raise _NotASpreadsheetError from error
    if "\x00" in text or text.lstrip().startswith("<"):  # binary, or HTML/XML
        raise _NotASpreadsheetError
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    import openpyxl

    if not data.startswith(b"PK\x03\x04"):
        raise _NotASpreadsheetError
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise _NotASpreadsheetError from error
    if unpacked > MAX_UNPACKED_RATIO * max(len(data), settings.IMPORT_MAX_BYTES // 10):
        raise _NotASpreadsheetError  # a zip bomb, not a register
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise _NotASpreadsheetError from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _rows(data: bytes, extension: str) -> Iterator[list[Any]]:
    """Every row of the file, heading row first; raises _NotASpreadsheetError."""
    return _xlsx_rows(data) if extension == XLSX else _csv_rows(data)


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _headings(row: list[Any]) -> list[str]:
    """Column headings, made unique; an empty heading is named by its position, e.g. `(C)`."""
    from openpyxl.utils import get_column_letter

    headings: list[str] = []
    for index, value in enumerate(row, start=1):
        heading = " ".join(str(value).split()) if not _is_blank(value) else ""
        heading = heading or f"({get_column_letter(index)})"
        base, copy = heading, 2
        while heading in headings:
            heading, copy = f"{base} ({copy})", copy + 1
        headings.append(heading)
    while headings and re.fullmatch(r"\([A-Z]+\)", headings[-1]):  # trailing empty columns
        headings.pop()
    return headings


def _read_file(job: ImportJob) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(headings, iterator of (spreadsheet row number, values)) skipping blank rows."""
    with job.file.open("rb") as stored:
        data = stored.read()
    rows = _rows(data, PurePath(job.file.name).suffix.lower())
    headings = _headings(next(rows, []))

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        for number, row in enumerate(rows, start=2):
            if not all(_is_blank(value) for value in row):
                yield number, row

    return headings, data_rows()


def propose_mapping(columns: Iterable[str]) -> dict[str, str]:
    """Field → heading for each heading recognised by its synonyms (first column wins)."""
    mapping: dict[str, str] = {}
    for column in columns:
        name = _HEADING_FIELD.get(_key(column))
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
    limit = settings.IMPORT_MAX_BYTES
    original_name = PurePath(getattr(uploaded_file, "name", "") or "").name
    extension = PurePath(original_name).suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise _not_a_spreadsheet()
    data = read_upload(uploaded_file, limit)
    if len(data) > limit:
        raise DomainError(
            "file_too_large",
            _("The file is too large. A register may be at most %(size)s MB.")
            % {"size": f"{limit / (1024 * 1024):g}"},
            status=413,
        )
    try:
        rows = _rows(data, extension)
        columns = _headings(next(rows, []))
        total_rows = sum(1 for row in rows if not all(_is_blank(value) for value in row))
    except (_NotASpreadsheetError, csv.Error) as error:
        raise _not_a_spreadsheet() from error
    except Exception as error:  # openpyxl raises many kinds of error on a broken workbook
        logger.warning("import upload by user %s unreadable: %s", by.pk, type(error).__name__)
        raise _not_a_spreadsheet() from error
    if not columns:
        raise DomainError(
            "no_headings", _("The first row of the file must hold the column headings.")
        )
    with transaction.atomic():
        job = ImportJob(
            office=by.office,
            uploaded_by=by,
            original_name=original_name[:255],
            sha256=hashlib.sha256(data).hexdigest(),
            columns=columns,
            mapping=propose_mapping(columns),
            total_rows=total_rows,
        )
        # Never the uploader's file name on disk: it may hold a name or a NIK.
        job.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(data), save=False)
        job.save()
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
    """Queue the import. With `run_in_background=False` the caller runs `run_import` itself."""
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
            from satuatap.people.tasks import run_import_task  # tasks imports this module

            job_id = job.pk
            user_id = by.pk
            transaction.on_commit(lambda: run_import_task(job_id, by_user_id=user_id))
    return job


def error_count(job: ImportJob) -> int:
    """Rows that were not imported because of errors."""
    return sum(1 for entry in job.error_rows if entry.get("errors"))


# --- Rows ------------------------------------------------------------------------------------


@dataclass
class RowResult:
    row: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return " ".join(str(value).split())


def _parse_date(value: Any, *, is_excel: bool) -> datetime.date:
    """A date from an Excel date cell or DD/MM/YYYY, DD-MM-YYYY, D/M/YYYY, YYYY-MM-DD text."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if is_excel and isinstance(value, int | float) and not isinstance(value, bool):
        from openpyxl.utils.datetime import from_excel

        converted = from_excel(value)
        if isinstance(converted, datetime.datetime):
            return converted.date()
        raise ValueError
    text = _TIME_SUFFIX.sub("", _text(value))
    if match := _DMY.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YMD.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError
    return datetime.date(year, month, day)


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
        codes = {_village_code(_text(self.value(row, "village"))) for _, row in rows}
        codes = {code for code in codes if code and code not in self.villages}
        found = Region.objects.filter(pk__in=codes, level=RegionLevel.VILLAGE).in_bulk()
        for code in codes:
            self.villages[code] = found.get(code)

    def read(self, number: int, row: list[Any]) -> RowResult:
        result = RowResult(row=number)
        values = result.values
        errors = result.errors

        values["full_name"] = _text(self.value(row, "full_name"))
        if not values["full_name"]:
            errors.append(_("The name is missing."))

        raw_sex = _text(self.value(row, "sex"))
        values["sex"] = _SEX_VALUES.get(_key(raw_sex))
        if not raw_sex:
            errors.append(_("The sex is missing."))
        elif values["sex"] is None:
            errors.append(_("The sex must be L (laki-laki) or P (perempuan)."))

        raw_date = self.value(row, "birth_date")
        values["birth_date"] = None
        if not _is_blank(raw_date):
            try:
                birth_date = _parse_date(raw_date, is_excel=self.is_excel)
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
        if not _is_blank(raw_nik):
            if isinstance(raw_nik, int | float) and not isinstance(raw_nik, bool):
                result.warnings.append(
                    _(
                        "The NIK is stored as a number: Excel keeps only 15 digits, so check "
                        "its last digit and format the column as text."
                    )
                )
            check = check_nik(
                _text(raw_nik), sex=values["sex"], birth_date=values["birth_date"], today=self.today
            )
            errors.extend(str(issue.message) for issue in check.errors)
            result.warnings.extend(str(issue.message) for issue in check.warnings)
            if check.is_valid:
                values["nik"] = check.nik

        phones: list[str] = []
        for part in _PHONE_SEPARATORS.split(_text(self.value(row, "phone"))):
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

        raw_village = _text(self.value(row, "village"))
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

        values["birth_place"] = _text(self.value(row, "birth_place"))[:120]
        values["address"] = _text(self.value(row, "address"))[:255]
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
            raw = _text(self.value(row, name))
            values[name] = choices.get(_key(raw), "") if raw else ""
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
    known_people = set(
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
                raise _NotASpreadsheetError
            reader = _RowReader(job, columns)
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
