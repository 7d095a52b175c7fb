"""The monthly report as an Excel workbook: one sheet per indicator group.

Each sheet starts with the office (or "National") and the period, then one heading row that is
frozen (women, men, not recorded, total, the age bands: the same columns for every table of the
report), then one small table per indicator: a row per value of its dimension and the total.
A suppressed cell holds the text "<5" (or "×" when it is hidden so that a small one cannot be
worked out from the totals): the workbook never holds a number the selectors hid.

No cell is ever a formula. openpyxl turns any string that starts with "=" into a formula, so
every text goes through `_put_text`, which stores it as a string (and marks text that a
spreadsheet could read as a formula with Excel's quote prefix, so editing the cell does not
turn it into one either). An office or partner called `=HYPERLINK(…)` stays that text.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from satuatap.reports.exports.common import (
    FORMULA_PREFIXES,
    Column,
    columns_for,
    group_label,
    has_suppression,
    row_label,
    table_rows,
)
from satuatap.reports.results import Cell, IndicatorResult, Row

GROUP_ORDER = ("frontdesk", "registry", "placement", "training", "mrc", "outreach")
NUMBER_FORMATS = {
    "people": "#,##0",
    "services": "#,##0",
    "cases": "#,##0",
    "referrals": "#,##0",
    "events": "#,##0",
    "rupiah": "#,##0",
    "minutes": "#,##0.0",
    "index": "0.00",
    "percent": "0.0",
}

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
MUTED = Font(italic=True, color="555555")
HEADING_FILL = PatternFill("solid", fgColor="DDE4EE")
SECTION_FILL = PatternFill("solid", fgColor="F1F3F5")
THIN = Side(style="thin", color="999999")
HEADING_BORDER = Border(bottom=THIN, top=THIN)
TOTAL_BORDER = Border(top=THIN)
RIGHT = Alignment(horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass
class ReportHeader:
    scope: str  # the office's name, or "National (all offices)"
    period: str
    filters: str = ""
    title: str = ""
    # Which days the case figures count, when not the period asked for
    # (`CasePeriod.note`); "" otherwise.
    case_period: str = ""

    @property
    def document_title(self) -> str:
        """What the file is, for its properties and the PDF's title: the report, the office
        and the period (never who made it)."""
        return " · ".join(
            part for part in (self.title or _("Monthly report"), self.scope, self.period) if part
        )


# SatuAtap's mark (core/static/core/satuatap-mark.png), top right of every report sheet.
LOGO = "core/satuatap-mark.png"
LOGO_SIZE = 40  # pixels


def _logo_image():
    from django.contrib.staticfiles import finders
    from openpyxl.drawing.image import Image

    path = finders.find(LOGO)
    if not path:
        return None
    image = Image(path)
    image.width = image.height = LOGO_SIZE
    return image


def _put_text(ws, row: int, column: int, text: str, *, font=None, fill=None, alignment=None):
    """A text cell that is text and nothing else (see the module docstring)."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(text))
    cell = ws.cell(row=row, column=column)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    return cell


def _put_value(ws, row: int, column: int, value: Cell | None, *, number_format: str, font=None):
    if value is None:  # the column does not apply to this indicator
        return None
    if value.suppressed or value.value is None:
        cell = _put_text(ws, row, column, value.display(), alignment=RIGHT)
        if value.suppressed:
            cell.font = MUTED
        return cell
    cell = ws.cell(row=row, column=column)
    cell.value = value.value
    cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _sheet_title(label: str, taken: set[str]) -> str:
    title = "".join(c for c in label if c not in "[]:*?/\\")[:31] or "Sheet"
    base, n = title, 2
    while title.lower() in taken:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title.lower())
    return title


class _SheetWriter:
    def __init__(self, ws, header: ReportHeader, columns: Sequence[Column], *, suppressed: bool):
        self.ws = ws
        self.columns = columns
        self.row = 1
        self.label_width = 24
        self._write_header(header, suppressed)

    def _write_header(self, header: ReportHeader, suppressed: bool) -> None:
        ws = self.ws
        _put_text(ws, 1, 1, header.title or _("Monthly report"), font=TITLE)
        lines = [(_("Office"), header.scope), (_("Period"), header.period)]
        if header.case_period:  # right under the period it qualifies
            lines.append(("", header.case_period))
        if header.filters:
            lines.append((_("Filters"), header.filters))
        lines.append((_("Made on"), date_format(timezone.localtime(), "DATETIME_FORMAT")))
        row = 2
        for name, value in lines:
            if name:
                _put_text(ws, row, 1, name, font=BOLD)
            _put_text(ws, row, 2, value)
            row += 1
        if suppressed:
            _put_text(
                ws,
                row,
                1,
                _(
                    "<5: fewer than five, hidden so that nobody can be recognised. "
                    "×: hidden so that a hidden value cannot be worked out from the totals."
                ),
                font=MUTED,
            )
            row += 1
        row += 1
        _put_text(ws, row, 1, _("Indicator and value"), font=BOLD, fill=HEADING_FILL)
        ws.cell(row=row, column=1).border = HEADING_BORDER
        for index, column in enumerate(self.columns, start=2):
            cell = _put_text(
                ws, row, index, column.label, font=BOLD, fill=HEADING_FILL, alignment=RIGHT
            )
            cell.border = HEADING_BORDER
        ws.freeze_panes = ws.cell(row=row + 1, column=2)
        ws.print_title_rows = f"{row}:{row}"
        self.row = row + 2
        logo = _logo_image()
        if logo is not None:  # over the last columns of the header, clear of its text
            ws.add_image(logo, f"{get_column_letter(max(len(self.columns), 3) + 1)}1")

    def table(self, title: str, unit: str, rows: Iterable[tuple[str, Row, bool]]) -> None:
        """One indicator: a title row, then (label, row, is_total) rows."""
        ws = self.ws
        number_format = NUMBER_FORMATS.get(unit, "#,##0.##")
        _put_text(ws, self.row, 1, title, font=BOLD, fill=SECTION_FILL)
        for index in range(2, len(self.columns) + 2):
            ws.cell(row=self.row, column=index).fill = SECTION_FILL
        self.label_width = max(self.label_width, min(len(title), 60))
        self.row += 1
        for label, row, is_total in rows:
            _put_text(
                ws,
                self.row,
                1,
                label,
                font=BOLD if is_total else None,
                alignment=None if is_total else Alignment(indent=1),
            )
            self.label_width = max(self.label_width, min(len(label) + 2, 60))
            for index, column in enumerate(self.columns, start=2):
                cell = _put_value(
                    ws,
                    self.row,
                    index,
                    column.cell(row),
                    number_format=number_format,
                    font=BOLD if is_total else None,
                )
                if is_total and cell is not None:
                    cell.border = TOTAL_BORDER
            self.row += 1
        self.row += 1

    def finish(self) -> None:
        self.ws.column_dimensions["A"].width = self.label_width + 2
        for index, column in enumerate(self.columns, start=2):
            self.ws.column_dimensions[get_column_letter(index)].width = max(
                12, len(column.label) + 3
            )
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True


def indicator_title(result: IndicatorResult) -> str:
    """The indicator's name, with its unit unless the name says it (an index)."""
    if result.unit == "index":
        return result.name
    return f"{result.name} ({unit_label(result.unit)})"


def unit_label(unit: str) -> str:
    return {
        "people": _("people"),
        "services": _("services"),
        "cases": _("cases"),
        "referrals": _("referrals"),
        "events": _("events"),
        "rupiah": _("rupiah"),
        "minutes": _("minutes"),
        "index": _("index"),
        "percent": _("percent"),
    }.get(unit, unit)


def _grouped(results: Sequence[IndicatorResult], groups: dict[str, str]):
    order = {group: index for index, group in enumerate(GROUP_ORDER)}
    by_group: dict[str, list[IndicatorResult]] = {}
    for result in results:
        by_group.setdefault(groups.get(result.code, "other"), []).append(result)
    return sorted(by_group.items(), key=lambda item: order.get(item[0], len(order)))


def monthly_report_xlsx(
    results: Sequence[IndicatorResult],
    *,
    header: ReportHeader,
    groups: dict[str, str],
    offices: Sequence[tuple[str, Sequence[IndicatorResult]]] = (),
    definitions: Sequence[tuple[str, str, str, str]] = (),
) -> bytes:
    """The workbook as bytes.

    - `results`: the report's indicators (for the office, or summed nationally);
    - `groups`: indicator code → group (one sheet each, in `GROUP_ORDER`);
    - `offices`: for a national report, (office name, its results) to compare the offices on
      one more sheet (each office's totals as the selectors return them, suppressed);
    - `definitions`: (code, name, definition, source) rows for a last sheet.
    """
    all_results = [*results, *(r for _name, office_results in offices for r in office_results)]
    columns = columns_for(all_results)
    suppressed = has_suppression(all_results)
    workbook = Workbook()
    workbook.remove(workbook.active)
    taken: set[str] = set()
    for group, group_results in _grouped(results, groups):
        ws = workbook.create_sheet(_sheet_title(group_label(group), taken))
        writer = _SheetWriter(ws, header, columns, suppressed=suppressed)
        for result in group_results:
            writer.table(
                indicator_title(result),
                result.unit,
                [(row_label(row, result), row, row is result.total) for row in table_rows(result)],
            )
        writer.finish()
    if offices:
        ws = workbook.create_sheet(_sheet_title(_("Offices"), taken))
        writer = _SheetWriter(ws, header, columns, suppressed=suppressed)
        by_office = [
            (name, {r.code: r for r in office_results}) for name, office_results in offices
        ]
        for result in results:
            rows = [
                (name, office_results[result.code].total, False)
                for name, office_results in by_office
                if result.code in office_results
            ]
            if rows:
                writer.table(indicator_title(result), result.unit, rows)
        writer.finish()
    if definitions:
        ws = workbook.create_sheet(_sheet_title(_("Definitions"), taken))
        for column, heading in enumerate(
            [_("Code"), _("Indicator"), _("Definition"), _("Source")], start=1
        ):
            _put_text(ws, 1, column, heading, font=BOLD, fill=HEADING_FILL)
        for row, values in enumerate(definitions, start=2):
            for column, value in enumerate(values, start=1):
                _put_text(ws, row, column, value, alignment=WRAP)
        for letter, width in zip("ABCD", (24, 40, 70, 40), strict=True):
            ws.column_dimensions[letter].width = width
        ws.freeze_panes = "A2"
    if not workbook.worksheets:  # nothing to report: still a workbook with its header
        writer = _SheetWriter(workbook.create_sheet(_("Report")), header, columns, suppressed=False)
        writer.finish()
    workbook.properties.title = header.document_title
    workbook.properties.subject = header.scope
    workbook.properties.creator = "SatuAtap"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
