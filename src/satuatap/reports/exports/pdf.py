"""The monthly report as a PDF: the same tables as the workbook, one section per group.

The HTML (`reports/export_monthly_pdf.html`) is built by `monthly_report_html` so what goes on
paper can be read and tested before conversion. The conversion is the MRC's
(`satuatap.core.pdf.html_to_pdf`): WeasyPrint with a URL fetcher that answers only the
project's own static files, so nothing is fetched from the network or the disk.

The first page opens with the letterhead (SatuAtap's mark, core/static/core/favicon.svg, and
the office's name), every later page names the office in its top margin, and an
office's report ends with a signature block for its head (`signature_for`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone

from satuatap.reports.exports.common import (
    cell_text,
    columns_for,
    group_label,
    has_suppression,
    row_label,
    table_rows,
)
from satuatap.reports.exports.xlsx import ReportHeader, _grouped, indicator_title
from satuatap.reports.results import IndicatorResult


@dataclass
class _Line:
    label: str
    cells: list[tuple[str, bool]]  # (text, is suppressed)
    is_total: bool


@dataclass
class _Table:
    title: str
    lines: list[_Line]


def _table(title: str, rows, columns) -> _Table:
    lines = []
    for label, row, is_total in rows:
        cells = []
        for column in columns:
            cell = column.cell(row)
            cells.append((cell_text(cell), bool(cell is not None and cell.suppressed)))
        lines.append(_Line(label, cells, is_total))
    return _Table(title, lines)


@dataclass
class Signature:
    """The signature block under an office's report: "<place>, <date>", the office head's
    title, and a line for the name."""

    place: str
    day: datetime.date
    office_name: str


REGENCY_PREFIXES = ("Kabupaten ", "Kota ", "Kab. ")


def signature_for(office) -> Signature | None:
    """Signed in the office's town on the office's today; none for a national report."""
    if office is None:
        return None
    region = getattr(office, "region", None)
    place = region.name if region is not None else office.name
    for prefix in REGENCY_PREFIXES:
        if place.startswith(prefix):
            place = place.removeprefix(prefix)
            break
    return Signature(place=place, day=office.today(), office_name=office.name)


def monthly_report_html(
    results: Sequence[IndicatorResult],
    *,
    header: ReportHeader,
    groups: dict[str, str],
    office=None,
    offices: Sequence[tuple[str, Sequence[IndicatorResult]]] = (),
) -> str:
    all_results = [*results, *(r for _name, office_results in offices for r in office_results)]
    columns = columns_for(all_results)
    sections = []
    for group, group_results in _grouped(results, groups):
        tables = [
            _table(
                indicator_title(result),
                [(row_label(row, result), row, row is result.total) for row in table_rows(result)],
                columns,
            )
            for result in group_results
        ]
        sections.append((group_label(group), tables))
    comparison = []
    if offices:
        by_office = [(name, {r.code: r for r in rs}) for name, rs in offices]
        for result in results:
            rows = [
                (name, rs[result.code].total, False) for name, rs in by_office if result.code in rs
            ]
            if rows:
                comparison.append(_table(indicator_title(result), rows, columns))
    context = {
        "header": header,
        "office": office,
        "columns": columns,
        "sections": sections,
        "comparison": comparison,
        "has_suppression": has_suppression(all_results),
        "printed_at": timezone.localtime(),
        "signature": signature_for(office),
    }
    return render_to_string("reports/export_monthly_pdf.html", context)


def monthly_report_pdf(results: Sequence[IndicatorResult], **kwargs) -> bytes:
    from satuatap.core.pdf import html_to_pdf

    return html_to_pdf(monthly_report_html(results, **kwargs))
