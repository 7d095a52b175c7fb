"""How records travel to and from the national placement system (`placement.national`).

An adapter turns the office's outgoing records into what the national system takes (`send`) and
what the national system gives back into status updates (`receive`), each with the row it came
from, or the problems of that row. `SATUATAP_NATIONAL_ADAPTER` names the one in use
(`ADAPTERS`). `file` is the only one today: the officer downloads a file (CSV or JSON, the
layout of docs/national-exchange.md) to upload to the national system, and uploads the file of
status updates it gives. An adapter for the national system's API, once one is published,
implements the same two methods (posting the records; fetching the updates) and is added to
`ADAPTERS`: the services, the log and the page stay as they are.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

from satuatap.core.spreadsheets import (
    CSV,
    XLSX,
    NotASpreadsheetError,
    cell_text,
    match_key,
    neutralise,
    parse_date,
    read_table,
)
from satuatap.placement.national import (
    EXPORT_COLUMNS,
    IMPORT_COLUMNS,
    LAYOUT,
    MAX_IMPORT_ROWS,
    REQUIRED_IMPORT_COLUMNS,
)
from satuatap.placement.national.selectors import OutgoingRecord

JSON = ".json"
FORMATS = ("csv", "json")


@dataclass(frozen=True)
class Outgoing:
    """What `send` produced: a file to hand to the officer (an API adapter: a summary)."""

    content: bytes
    content_type: str
    filename: str


@dataclass(frozen=True)
class StatusUpdate:
    """One row of what the national system says about a file of the office."""

    line: int  # the row's number in the file (the heading is line 1), or its index in JSON + 1
    file_id: int
    nik: str
    national_reference: str = ""
    cpmi_id: str = ""
    ekpmi_number: str = ""
    national_status: str = ""
    status_date: datetime.date | None = None


@dataclass
class Incoming:
    """What `receive` read: the updates, and the rows it could not read with their problems."""

    updates: list[StatusUpdate] = field(default_factory=list)
    problems: list[tuple[int, list[str]]] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return len(self.updates) + len(self.problems)


class UnreadableFileError(Exception):
    """The file as a whole cannot be read (not CSV/JSON/XLSX, no heading, too many rows)."""


class NationalSystemAdapter(ABC):
    key: str

    @abstractmethod
    def send(
        self,
        records: list[OutgoingRecord],
        *,
        file_format: str,
        office_code: str,
        date_from: datetime.date,
        date_to: datetime.date,
    ) -> Outgoing: ...

    @abstractmethod
    def receive(self, content: bytes, *, extension: str) -> Incoming: ...


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def _text(value: Any, limit: int, name: str, problems: list[str]) -> str:
    text = cell_text(value)
    if len(text) > limit:
        problems.append(
            _("%(column)s is longer than %(limit)s characters.") % {"column": name, "limit": limit}
        )
        return ""
    return text


# The longest value each identifier column takes (the model's field).
LIMITS = {"national_reference": 64, "cpmi_id": 32, "ekpmi_number": 32, "national_status": 64}


def update_from_row(
    line: int, values: dict[str, Any], *, is_excel: bool
) -> StatusUpdate | list[str]:
    """A status update from one row's values by column name, or the row's problems."""
    problems: list[str] = []
    raw_id = cell_text(values.get("satuatap_file_id"))
    file_id = 0
    if not raw_id:
        problems.append(_("satuatap_file_id is missing."))
    elif not raw_id.isdigit() or len(raw_id) > 18:
        problems.append(_("satuatap_file_id must be a SatuAtap file number."))
    else:
        file_id = int(raw_id)
    nik = cell_text(values.get("nik"))
    if not nik:
        problems.append(_("nik is missing."))
    texts = {name: _text(values.get(name), limit, name, problems) for name, limit in LIMITS.items()}
    status_date = None
    raw_date = values.get("status_date")
    if cell_text(raw_date):
        try:
            status_date = parse_date(raw_date, is_excel=is_excel)
        except (ValueError, OverflowError, TypeError):
            problems.append(_("status_date is not a date (YYYY-MM-DD or DD/MM/YYYY)."))
    if problems:
        return problems
    return StatusUpdate(line=line, file_id=file_id, nik=nik, status_date=status_date, **texts)


class FileExchange(NationalSystemAdapter):
    """Files the officer carries between SatuAtap and the national system's upload page."""

    key = "file"

    def send(self, records, *, file_format, office_code, date_from, date_to) -> Outgoing:
        name = f"satuatap-siskop2mi-{office_code or 'office'}-{date_from}-{date_to}"
        if file_format == "json":
            document = {
                "layout": LAYOUT,
                "office_code": office_code,
                "from": date_from,
                "to": date_to,
                "records": [record.as_dict() for record in records],
            }
            content = json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
            return Outgoing(content.encode(), "application/json", f"{name}.json")
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        for record in records:
            row = record.as_dict()
            writer.writerow([_cell(row[column]) for column in EXPORT_COLUMNS])
        return Outgoing(buffer.getvalue().encode("utf-8"), "text/csv; charset=utf-8", f"{name}.csv")

    def receive(self, content: bytes, *, extension: str) -> Incoming:
        if extension == JSON:
            return self._receive_json(content)
        if extension not in (CSV, XLSX):
            raise UnreadableFileError(_("Upload a CSV, JSON or Excel (.xlsx) file."))
        try:
            headings, rows = read_table(content, extension)
            columns = self._columns(headings)
            return self._read(
                ((line, dict(zip(columns, row, strict=False))) for line, row in rows),
                is_excel=extension == XLSX,
            )
        except NotASpreadsheetError as error:
            raise UnreadableFileError(_("The file cannot be read as CSV or Excel.")) from error

    def _columns(self, headings: list[str]) -> list[str]:
        known = {match_key(column): column for column in IMPORT_COLUMNS}
        columns = [known.get(match_key(heading), "") for heading in headings]
        missing = [name for name in REQUIRED_IMPORT_COLUMNS if name not in columns]
        if missing:
            raise UnreadableFileError(
                _("The heading row has no column %(columns)s (docs/national-exchange.md).")
                % {"columns": ", ".join(missing)}
            )
        return columns

    def _receive_json(self, content: bytes) -> Incoming:
        try:
            document = json.loads(content.decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError) as error:
            raise UnreadableFileError(_("The file is not valid JSON.")) from error
        items = document.get("updates") if isinstance(document, dict) else document
        if not isinstance(items, list):
            raise UnreadableFileError(
                _('A JSON file holds a list of updates (or {"updates": [...]}).')
            )
        rows = []
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                item = {}
            rows.append((index + 1, {k: v for k, v in item.items() if k in IMPORT_COLUMNS}))
        return self._read(rows, is_excel=False)

    def _read(self, rows: Iterable[tuple[int, dict[str, Any]]], *, is_excel: bool) -> Incoming:
        incoming = Incoming()
        for count, (line, values) in enumerate(rows, start=1):
            if count > MAX_IMPORT_ROWS:
                raise UnreadableFileError(
                    _("A file takes at most %(rows)s rows: split it.") % {"rows": MAX_IMPORT_ROWS}
                )
            read = update_from_row(line, values, is_excel=is_excel)
            if isinstance(read, StatusUpdate):
                incoming.updates.append(read)
            else:
                incoming.problems.append((line, read))
        return incoming


ADAPTERS: dict[str, type[NationalSystemAdapter]] = {FileExchange.key: FileExchange}


def adapter() -> NationalSystemAdapter:
    """The adapter `SATUATAP_NATIONAL_ADAPTER` names."""
    key = settings.SATUATAP_NATIONAL_ADAPTER
    if key not in ADAPTERS:
        raise ImproperlyConfigured(
            f"SATUATAP_NATIONAL_ADAPTER={key!r}: choose one of {', '.join(sorted(ADAPTERS))}"
        )
    return ADAPTERS[key]()
