"""Import of the national list of licensed agencies (P3MI) from a spreadsheet (XLSX or CSV).

Run by the ministry placement administrator (`placement.manage_agencies`), like every other
change of an agency's licence or data: an office reads the list and raises concerns about it.

The file is read whole (agencies are a list of hundreds, so this runs synchronously): the
heading row is matched to the agency's fields (Indonesian or English headings), then every row is
checked and saved through `placement.services.create_agency` / `update_agency`, each row in its
own transaction, so a row with a problem saves nothing of itself while the other rows are saved.
Rows are matched to agencies by their licence (SIP3MI) number: importing the same file again
changes nothing, and a row that differs from its agency updates it. An empty cell in an optional
column leaves the agency's current value as it is.

Cells are read as values, never as formulas (`data_only`); nothing here writes a spreadsheet.
"""

from __future__ import annotations

import csv
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from satuatap.core.exceptions import DomainError
from satuatap.core.models import User
from satuatap.core.spreadsheets import (
    XLSX,
    NotASpreadsheetError,
    cell_text,
    is_blank,
    match_key,
    parse_date,
    read_spreadsheet_upload,
    read_table,
)
from satuatap.placement import services as agency_services
from satuatap.placement.models import Agency, AgencyStatus

logger = logging.getLogger(__name__)

# A list of agencies has hundreds of rows; a file with more is not such a list.
MAX_ROWS = 5000

# The agency's fields a column can feed, in the order of the example heading row.
FIELDS: dict[str, Any] = {
    "name": gettext_lazy("Name"),
    "licence_number": gettext_lazy("Licence (SIP3MI) number"),
    "licence_valid_from": gettext_lazy("Licence valid from"),
    "licence_valid_until": gettext_lazy("Licence valid until"),
    "status": gettext_lazy("Status"),
    "branches": gettext_lazy("Branch offices"),
    "address": gettext_lazy("Head office address"),
    "phone": gettext_lazy("Phone"),
    "email": gettext_lazy("Email"),
    "contact_person": gettext_lazy("Contact person"),
}
REQUIRED_FIELDS = ("name", "licence_number", "licence_valid_from", "licence_valid_until")
DATE_FIELDS = ("licence_valid_from", "licence_valid_until")

# Headings recognised for each field (compared by `match_key`: case, spaces and punctuation
# ignored).
HEADING_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "Nama",
        "Nama P3MI",
        "Nama Perusahaan",
        "Nama Agensi",
        "Name",
        "Agency",
        "Agency name",
        "Company name",
    ),
    "licence_number": (
        "Nomor SIP3MI",
        "No SIP3MI",
        "No. SIP3MI",
        "SIP3MI",
        "Nomor Izin",
        "Nomor Izin SIP3MI",
        "Licence number",
        "License number",
        "Licence (SIP3MI) number",
        "SIP3MI number",
    ),
    "licence_valid_from": (
        "Berlaku dari",
        "Berlaku sejak",
        "Mulai berlaku",
        "Tanggal berlaku",
        "Tanggal terbit",
        "Valid from",
        "Licence valid from",
        "License valid from",
    ),
    "licence_valid_until": (
        "Berlaku sampai",
        "Berlaku hingga",
        "Masa berlaku",
        "Tanggal berakhir",
        "Valid until",
        "Licence valid until",
        "License valid until",
        "Expires",
        "Expiry date",
    ),
    "status": ("Status", "Status izin", "Licence status", "License status"),
    "branches": ("Cabang", "Kantor cabang", "Branches", "Branch offices", "Branch"),
    "address": ("Alamat", "Alamat kantor pusat", "Address", "Head office address"),
    "phone": ("Telepon", "Telp", "No Telp", "No. Telp", "Nomor telepon", "Phone", "Telephone"),
    "email": ("Email", "E-mail", "Surel", "Alamat email"),
    "contact_person": ("Narahubung", "Kontak", "Penanggung jawab", "Contact person", "Contact"),
}
_HEADING_FIELD = {
    **{match_key(name): name for name in FIELDS},
    **{
        match_key(heading): name
        for name, headings in HEADING_SYNONYMS.items()
        for heading in headings
    },
}

_STATUS_VALUES = {
    **dict.fromkeys(("active", "aktif", "berlaku", "valid"), AgencyStatus.ACTIVE),
    **dict.fromkeys(
        ("suspended", "dibekukan", "beku", "ditangguhkan", "skorsing", "dihentikansementara"),
        AgencyStatus.SUSPENDED,
    ),
    **dict.fromkeys(("revoked", "dicabut", "cabut"), AgencyStatus.REVOKED),
}
_BRANCH_SEPARATORS = re.compile(r"[;\n\r]+")


class RowAction:
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ERROR = "error"


@dataclass
class RowOutcome:
    """What happened to one row: its spreadsheet number (the heading row is row 1)."""

    row: int
    licence_number: str = ""
    name: str = ""
    action: str = RowAction.ERROR
    errors: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # labels of the fields an update changed


@dataclass
class AgencyImportReport:
    rows: list[RowOutcome] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field → heading used
    ignored_columns: list[str] = field(default_factory=list)

    def _count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def created(self) -> int:
        return self._count(RowAction.CREATED)

    @property
    def updated(self) -> int:
        return self._count(RowAction.UPDATED)

    @property
    def unchanged(self) -> int:
        return self._count(RowAction.UNCHANGED)

    @property
    def error_count(self) -> int:
        return self._count(RowAction.ERROR)

    @property
    def error_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.action == RowAction.ERROR]

    @property
    def saved_rows(self) -> list[RowOutcome]:
        return [row for row in self.rows if row.action in (RowAction.CREATED, RowAction.UPDATED)]


# --- Reading the file -----------------------------------------------------------------------


def _not_a_spreadsheet() -> DomainError:
    return DomainError(
        "unsupported_file_type",
        _(
            "This file is not an Excel workbook (.xlsx) or a CSV file. Save the list of "
            "agencies as .xlsx or .csv and upload it again."
        ),
        status=422,
    )


def _read(uploaded_file: File) -> tuple[list[str], list[tuple[int, list[Any]]], bool]:
    """(headings, [(row number, values)] without blank rows, whether the file is a workbook)."""
    data, extension = read_spreadsheet_upload(
        uploaded_file,
        not_a_spreadsheet=_not_a_spreadsheet(),
        too_large_message=_(
            "The file is too large. A list of agencies may be at most %(size)s MB."
        ),
    )
    try:
        headings, rows = read_table(data, extension)
        body: list[tuple[int, list[Any]]] = []
        for number, row in rows:
            body.append((number, row))
            if len(body) > MAX_ROWS:
                raise DomainError(
                    "too_many_rows",
                    _("The file has more than %(count)s rows; this is not a list of agencies.")
                    % {"count": MAX_ROWS},
                    status=422,
                )
    except DomainError:
        raise
    except (NotASpreadsheetError, csv.Error) as error:
        raise _not_a_spreadsheet() from error
    except Exception as error:  # openpyxl raises many kinds of error on a broken workbook
        logger.warning("agency import: unreadable upload (%s)", type(error).__name__)
        raise _not_a_spreadsheet() from error
    if not headings:
        raise DomainError(
            "no_headings",
            _("The first row of the file must hold the column headings."),
            status=422,
        )
    return headings, body, extension == XLSX


def map_columns(headings: list[str]) -> tuple[dict[str, int], list[str]]:
    """(field → column index, headings not used). The first column of a field wins."""
    indexes: dict[str, int] = {}
    ignored: list[str] = []
    for index, heading in enumerate(headings):
        name = _HEADING_FIELD.get(match_key(heading))
        if name is not None and name not in indexes:
            indexes[name] = index
        else:
            ignored.append(heading)
    return indexes, ignored


# --- Rows -----------------------------------------------------------------------------------


class _RowReader:
    """Turns one row into the agency's values (only the cells given), collecting problems."""

    def __init__(self, indexes: dict[str, int], *, is_excel: bool):
        self.indexes = indexes
        self.is_excel = is_excel

    def cell(self, row: list[Any], name: str) -> Any:
        index = self.indexes.get(name)
        return row[index] if index is not None and index < len(row) else None

    def read(self, number: int, row: list[Any]) -> tuple[RowOutcome, dict[str, Any]]:
        outcome = RowOutcome(row=number)
        errors = outcome.errors
        values: dict[str, Any] = {}

        for name in ("name", "licence_number"):
            text = cell_text(self.cell(row, name))
            if text:
                values[name] = text
        outcome.name = values.get("name", "")
        outcome.licence_number = values.get("licence_number", "")
        if "name" not in values:
            errors.append(_("The name is missing."))
        if "licence_number" not in values:
            errors.append(_("The licence (SIP3MI) number is missing."))

        for name, missing, invalid in (
            (
                "licence_valid_from",
                _("The date the licence is valid from is missing."),
                _(
                    "The date the licence is valid from is not a real date (write it as "
                    "DD/MM/YYYY or YYYY-MM-DD, for example 14/03/2026)."
                ),
            ),
            (
                "licence_valid_until",
                _("The date the licence is valid until is missing."),
                _(
                    "The date the licence is valid until is not a real date (write it as "
                    "DD/MM/YYYY or YYYY-MM-DD, for example 14/03/2026)."
                ),
            ),
        ):
            raw = self.cell(row, name)
            if is_blank(raw):
                errors.append(missing)
                continue
            try:
                day = parse_date(raw, is_excel=self.is_excel)
            except (ValueError, OverflowError, TypeError):
                errors.append(invalid)
                continue
            if not 1900 <= day.year <= 2200:
                errors.append(invalid)
                continue
            values[name] = day
        start, end = values.get("licence_valid_from"), values.get("licence_valid_until")
        if start and end and end < start:
            errors.append(_("The licence cannot end before it starts."))

        raw_status = cell_text(self.cell(row, "status"))
        if raw_status:
            status = _STATUS_VALUES.get(match_key(raw_status))
            if status is None:
                errors.append(
                    _(
                        "The status must be active (aktif), suspended (dibekukan) or "
                        "revoked (dicabut)."
                    )
                )
            else:
                values["status"] = status

        raw_branches = self.cell(row, "branches")
        if not is_blank(raw_branches):
            branches = [
                " ".join(part.split())
                for part in _BRANCH_SEPARATORS.split(str(raw_branches))
                if part.strip()
            ]
            values["branches"] = "\n".join(branches)

        for name in ("address", "phone", "email", "contact_person"):
            text = cell_text(self.cell(row, name))
            if text:
                values[name] = text
        return outcome, values


def _field_errors(error: DomainError) -> list[str]:
    """A service's error as sentences, each field's message prefixed with the field's name."""
    details = error.details
    if not isinstance(details, dict):
        return [error.message]
    messages: list[str] = []
    for name, problems in details.items():
        for problem in problems if isinstance(problems, list | tuple) else [problems]:
            label = FIELDS.get(name)
            messages.append(f"{label}: {problem}" if label else str(problem))
    return messages or [error.message]


def _changes(agency: Agency, values: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in values.items() if getattr(agency, name) != value}


def _save_row(outcome: RowOutcome, values: dict[str, Any], agency: Agency | None, by: User) -> None:
    try:
        with transaction.atomic():
            if agency is None:
                agency_services.create_agency(by=by, values=values)
                outcome.action = RowAction.CREATED
                return
            changes = _changes(agency, values)
            if not changes:
                outcome.action = RowAction.UNCHANGED
                return
            agency_services.update_agency(agency=agency, by=by, values=changes)
            outcome.action = RowAction.UPDATED
            outcome.changed = [str(FIELDS[name]) for name in changes]
    except DomainError as error:
        if agency is not None:
            agency.refresh_from_db()  # undo the values the failed update assigned
        outcome.action = RowAction.ERROR
        outcome.errors.extend(_field_errors(error))
    except IntegrityError:
        outcome.action = RowAction.ERROR
        outcome.errors.append(
            _("An agency with this licence number was saved meanwhile; import the file again.")
        )


def import_agencies(*, uploaded_file: File, by: User) -> AgencyImportReport:
    """Read the spreadsheet and save every valid row; return what happened to each row.

    Raises DomainError (nothing saved) when the caller may not manage agencies (only the ministry
    placement administrator may), or when the file
    is not a readable spreadsheet or lacks a required column."""
    if not by.has_perm("placement.manage_agencies"):
        raise DomainError("forbidden", _("You may not do this."), status=403)
    headings, rows, is_excel = _read(uploaded_file)
    indexes, ignored = map_columns(headings)
    missing = [name for name in REQUIRED_FIELDS if name not in indexes]
    if missing:
        raise DomainError(
            "missing_columns",
            _("The file has no column for: %(fields)s. Columns in the file: %(columns)s.")
            % {
                "fields": ", ".join(str(FIELDS[name]) for name in missing),
                "columns": ", ".join(headings),
            },
            status=422,
            details=missing,
        )
    report = AgencyImportReport(
        columns={name: headings[index] for name, index in indexes.items()},
        ignored_columns=ignored,
    )
    reader = _RowReader(indexes, is_excel=is_excel)
    read = [reader.read(number, row) for number, row in rows]
    numbers = {values["licence_number"] for _, values in read if "licence_number" in values}
    agencies = {a.licence_number: a for a in Agency.objects.filter(licence_number__in=numbers)}
    first_row: dict[str, int] = {}
    for outcome, values in read:
        report.rows.append(outcome)
        number = values.get("licence_number")
        if number:
            if number in first_row:
                outcome.errors.append(
                    _("The same licence number is on row %(row)s of this file.")
                    % {"row": first_row[number]}
                )
            else:
                first_row[number] = outcome.row
        if outcome.errors:
            continue
        _save_row(outcome, values, agencies.get(number) if number else None, by)
    logger.info(
        "agency import by user %s: %s created, %s updated, %s unchanged, %s with errors",
        by.pk,
        report.created,
        report.updated,
        report.unchanged,
        report.error_count,
    )
    return report


def example_headings() -> list[str]:
    """The headings of an example file, in Indonesian (what offices' lists use)."""
    return [HEADING_SYNONYMS[name][0] for name in FIELDS]
