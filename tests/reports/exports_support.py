"""Hand-built indicator results and readers for the export tests."""

from __future__ import annotations

import datetime
import io

import openpyxl

from satuatap.reports.results import Cell, IndicatorResult, Row

JANUARY = (datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
BANDS = ("18-24", "25-34", "unknown")


def person_row(dimension: str, label: str, *, women: int, men: int, unknown: int = 0, bands=None):
    total = women + men + unknown
    bands = bands if bands is not None else {"18-24": women, "25-34": men, "unknown": unknown}
    return Row(
        dimension=dimension,
        label=label,
        total=Cell(total),
        by_sex={"F": Cell(women), "M": Cell(men), "U": Cell(unknown)},
        by_age_band={band: Cell(value) for band, value in bands.items()},
    )


def person_result(code: str, name: str, rows: list[Row], *, office_ids=(1,), period=JANUARY):
    def add(key, getter):
        return Cell(sum(getter(row)[key].value for row in rows))

    total = Row(
        dimension="",
        label="",
        total=Cell(sum(row.total.value for row in rows)),
        by_sex={sex: add(sex, lambda r: r.by_sex) for sex in ("F", "M", "U")},
        by_age_band={band: add(band, lambda r: r.by_age_band) for band in rows[0].by_age_band},
    )
    return IndicatorResult(
        code=code,
        name=name,
        unit="people",
        date_from=period[0],
        date_to=period[1],
        office_ids=list(office_ids),
        rows=rows if any(row.dimension for row in rows) else [],
        total=total,
    )


def value_result(code: str, name: str, value, *, unit="rupiah", period=JANUARY):
    total = Row(dimension="", label="", total=Cell(value))
    return IndicatorResult(
        code=code,
        name=name,
        unit=unit,
        date_from=period[0],
        date_to=period[1],
        office_ids=[1],
        rows=[],
        total=total,
    )


def suppressed_result(code: str = "complaints", name: str = "Complaints received"):
    """Women 3 (hidden: "<5"), men 9 → men and total hidden as complementary cells."""
    small, other = Cell(None, True, "small"), Cell(None, True, "complementary")
    total = Row(
        dimension="",
        label="",
        total=other,
        by_sex={"F": small, "M": other, "U": Cell(0)},
        by_age_band={"18-24": small, "25-34": other, "unknown": Cell(0)},
    )
    return IndicatorResult(
        code=code,
        name=name,
        unit="people",
        date_from=JANUARY[0],
        date_to=JANUARY[1],
        office_ids=[1, 2],
        rows=[],
        total=total,
        suppressed_cells=5,
    )


def read_workbook(content: bytes):
    return openpyxl.load_workbook(io.BytesIO(content))


def find_table(ws, title_start: str) -> dict[str, dict[str, object]]:
    """{row label: {column heading: value}} of the table whose title starts with
    `title_start`, read from a report sheet."""
    heading_row = next(
        row for row in range(1, ws.max_row + 1) if ws.cell(row, 1).value == "Indicator and value"
    )
    headings = [ws.cell(heading_row, column).value for column in range(1, ws.max_column + 1)]
    start = next(
        row
        for row in range(heading_row + 1, ws.max_row + 1)
        if str(ws.cell(row, 1).value or "").startswith(title_start)
    )
    table = {}
    row = start + 1
    while ws.cell(row, 1).value not in (None, ""):
        table[ws.cell(row, 1).value] = {
            headings[column - 1]: ws.cell(row, column).value
            for column in range(2, ws.max_column + 1)
            if headings[column - 1]
        }
        row += 1
    return table
