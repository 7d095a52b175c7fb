"""`core.spreadsheets`: what the register import and the agency import read from a file
(tests/people/imports/test_imports.py and tests/placement/test_agency_import.py test each
import)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from satuatap.core.spreadsheets import (
    CSV,
    XLSX,
    NotASpreadsheetError,
    cell_text,
    match_key,
    parse_date,
    read_table,
)


def test_a_csv_table_has_unique_headings_and_numbered_rows_without_the_blank_ones():
    data = b"Nama;;Nama;\nSiti;;Aminah;\n;;;\nDewi;x;;\n"

    headings, rows = read_table(data, CSV)

    assert headings == ["Nama", "(B)", "Nama (2)"]  # a trailing empty column is dropped
    assert list(rows) == [(2, ["Siti", "", "Aminah", ""]), (4, ["Dewi", "x", "", ""])]


def test_a_workbook_is_read_as_values_from_its_first_sheet():
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["NIK", "Tgl Lahir"])
    sheet.append([3209014103950001, datetime.datetime(1995, 3, 1)])
    sheet.append(["=1+1", None])  # a formula openpyxl saved with no value: never computed
    out = io.BytesIO()
    workbook.save(out)

    headings, rows = read_table(out.getvalue(), XLSX)

    assert headings == ["NIK", "Tgl Lahir"]
    assert list(rows) == [(2, [3209014103950001, datetime.datetime(1995, 3, 1)])]


@pytest.mark.parametrize("data", [b"<html><body>register</body></html>", b"PK\x03\x04broken"])
def test_what_is_not_a_spreadsheet_says_so(data):
    extension = XLSX if data.startswith(b"PK") else CSV
    with pytest.raises(NotASpreadsheetError):
        headings, rows = read_table(data, extension)
        list(rows)


def test_cells_are_compared_and_read_the_way_offices_write_them():
    assert match_key("No. Telp") == match_key("no telp") == "notelp"
    assert cell_text(3209014103950001.0) == "3209014103950001"
    assert cell_text("  Siti \n Aminah ") == "Siti Aminah"
    assert parse_date("01/03/1995", is_excel=False) == datetime.date(1995, 3, 1)
    assert parse_date("1995-03-01 00:00:00", is_excel=False) == datetime.date(1995, 3, 1)
    assert parse_date(34759, is_excel=True) == datetime.date(1995, 3, 1)
    with pytest.raises(ValueError):
        parse_date(34759, is_excel=False)
