"""Indicator tables as CSV, for Excel and for anyone's own analysis.

One long table: a line per office (or "National"), indicator and value of its dimension, with
women, men, not recorded, total and the age bands as columns, so files of several offices or
periods can be put one under the other. "From" and "To" are the days a line counts; the last
column, "Note", says so on the lines of case figures when those are not the days asked for
(`CasePeriod.note`: whole calendar months, and outside the office only the months that are
over). UTF-8 with a byte-order mark (Excel then reads the
Indonesian text right); suppressed cells are "<5" (or "×"); every text cell that a spreadsheet
could run as a formula (starting with = + - @, a tab or a carriage return) gets a leading '.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence

from django.utils.translation import gettext as _

from satuatap.reports.exports.common import (
    cell_text,
    columns_for,
    neutralise,
    row_label,
    table_rows,
)
from satuatap.reports.results import Cell, IndicatorResult

BOM = "\ufeff"


def _value(cell: Cell | None) -> str:
    text = cell_text(cell)
    return (
        text
        if cell is not None and not cell.suppressed and cell.value is not None
        else (neutralise(text))
    )


def iter_csv_lines(
    blocks: Sequence[tuple[str, IndicatorResult]], *, notes: Mapping[str, str] | None = None
) -> Iterator[str]:
    """The CSV, line by line (the first starts with the BOM). `blocks` are (office or
    "National", result) pairs; `notes` the note of an indicator's lines, by its code."""
    notes = notes or {}
    columns = columns_for(result for _scope, result in blocks)
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    heading = [
        _("Office"),
        _("From"),
        _("To"),
        _("Indicator code"),
        _("Indicator"),
        _("Unit"),
        _("Value code"),
        _("Value"),
        *(column.label for column in columns),
        _("Note"),
    ]
    yield BOM + line(neutralise(text) for text in heading)
    for scope, result in blocks:
        for row in table_rows(result):
            texts = [
                scope,
                result.date_from.isoformat(),
                result.date_to.isoformat(),
                result.code,
                result.name,
                result.unit,
                row.dimension,
                row_label(row, result),
            ]
            yield line(
                [neutralise(text) for text in texts]
                + [_value(column.cell(row)) for column in columns]
                + [neutralise(notes.get(result.code, ""))]
            )


def indicator_csv(
    blocks: Sequence[tuple[str, IndicatorResult]], *, notes: Mapping[str, str] | None = None
) -> bytes:
    return "".join(iter_csv_lines(blocks, notes=notes)).encode("utf-8")
