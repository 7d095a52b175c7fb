"""Reading an uploaded spreadsheet (XLSX or CSV): rows, headings and cell values.

Shared by the imports that read one (`people.imports`: an office's register;
`placement.agency_import`: the national list of agencies). Each import says in its own words
what went wrong; here a file that is not a readable spreadsheet raises `NotASpreadsheetError`
(or `csv.Error`, or whatever openpyxl raises on a broken workbook: callers catch those too).

Cells are read as values, never as formulas (`data_only`); nothing here writes a spreadsheet.
A workbook is a zip: one that would unpack to far more than its size is refused (a zip bomb).
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from pathlib import PurePath
from typing import Any

from django.conf import settings

from satuatap.core.exceptions import DomainError
from satuatap.core.uploads import read_upload

XLSX, CSV = ".xlsx", ".csv"
ALLOWED_EXTENSIONS = (XLSX, CSV)
# A workbook is a zip; one that unpacks to more than this many times its limit is refused.
MAX_UNPACKED_RATIO = 50

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME_SUFFIX = re.compile(r"[ T]00:00(:00(\.0+)?)?$")


class NotASpreadsheetError(Exception):
    """The bytes are not a workbook or a CSV text this module can read."""


def match_key(text: str) -> str:
    """Lowercase letters and digits only, for matching headings and coded values:
    `No. Telp` → `notelp`, `L/P` → `lp`."""
    text = unicodedata.normalize("NFKD", str(text)).casefold()
    return "".join(char for char in text if char.isalnum())


def read_spreadsheet_upload(
    uploaded_file, *, not_a_spreadsheet: DomainError, too_large_message: str
) -> tuple[bytes, str]:
    """(the bytes, the extension) of an uploaded spreadsheet, read only up to the limit
    (`IMPORT_MAX_BYTES`). Raises `not_a_spreadsheet` for a name not ending in .xlsx or .csv,
    and a `file_too_large` DomainError (413) with `too_large_message` (`%(size)s`: the limit in
    MB) for a larger file. Whether the bytes are a spreadsheet is `read_table`'s to find."""
    extension = PurePath(getattr(uploaded_file, "name", "") or "").suffix.lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise not_a_spreadsheet
    limit = settings.IMPORT_MAX_BYTES
    data = read_upload(uploaded_file, limit)
    if len(data) > limit:
        raise DomainError(
            "file_too_large",
            too_large_message % {"size": f"{limit / (1024 * 1024):g}"},
            status=413,
        )
    return data, extension


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
        raise NotASpreadsheetError from error
    if "\x00" in text or text.lstrip().startswith("<"):  # binary, or HTML/XML
        raise NotASpreadsheetError
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    import openpyxl

    if not data.startswith(b"PK\x03\x04"):
        raise NotASpreadsheetError
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise NotASpreadsheetError from error
    if unpacked > MAX_UNPACKED_RATIO * max(len(data), settings.IMPORT_MAX_BYTES // 10):
        raise NotASpreadsheetError  # a zip bomb, not a register
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise NotASpreadsheetError from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def read_rows(data: bytes, extension: str) -> Iterator[list[Any]]:
    """Every row of the file (the first sheet of a workbook), heading row first; lazily, so
    `NotASpreadsheetError` may come from the iteration."""
    return _xlsx_rows(data) if extension == XLSX else _csv_rows(data)


def read_table(data: bytes, extension: str) -> tuple[list[str], Iterator[tuple[int, list[Any]]]]:
    """(the column headings, an iterator of (spreadsheet row number, values)) without the
    blank rows. The heading row is row 1, so the first data row is row 2."""
    rows = read_rows(data, extension)
    headings = column_headings(next(rows, []))

    def data_rows() -> Iterator[tuple[int, list[Any]]]:
        for number, row in enumerate(rows, start=2):
            if not all(is_blank(value) for value in row):
                yield number, row

    return headings, data_rows()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def column_headings(row: list[Any]) -> list[str]:
    """Column headings, made unique; an empty heading is named by its position, e.g. `(C)`."""
    from openpyxl.utils import get_column_letter

    headings: list[str] = []
    for index, value in enumerate(row, start=1):
        heading = " ".join(str(value).split()) if not is_blank(value) else ""
        heading = heading or f"({get_column_letter(index)})"
        base, copy = heading, 2
        while heading in headings:
            heading, copy = f"{base} ({copy})", copy + 1
        headings.append(heading)
    while headings and re.fullmatch(r"\([A-Z]+\)", headings[-1]):  # trailing empty columns
        headings.pop()
    return headings


def cell_text(value: Any) -> str:
    """A cell as one line of text: `12.0` → `12`, a date-time cell → its date, spaces folded."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return " ".join(str(value).split())


def parse_date(value: Any, *, is_excel: bool) -> datetime.date:
    """A date from an Excel date cell or DD/MM/YYYY, DD-MM-YYYY, D/M/YYYY, YYYY-MM-DD text.

    A number is an Excel serial date only in a workbook (`is_excel`). Raises ValueError
    (or OverflowError, TypeError) for anything else."""
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
    text = _TIME_SUFFIX.sub("", cell_text(value))
    if match := _DMY.match(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := _YMD.match(text):
        year, month, day = (int(part) for part in match.groups())
    else:
        raise ValueError
    return datetime.date(year, month, day)


# --- Writing: formula injection -----------------------------------------------------------------

# A spreadsheet treats text starting with one of these as a formula (or, for tab and carriage
# return, as the start of one once pasted).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """Text a spreadsheet will never run: a leading ' when it could be read as a formula."""
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
