"""From what was asked (kind, office or national, period, filters) to a file.

The same builders serve a download made in the request (one office's monthly report) and an
export that runs in the background (`worker.run_export`); `on_progress(done, total)` is told
after each indicator of each office, so a background job can show how far it is.

Every number comes from the report selectors as the viewer may see it: an office's own staff
see its numbers whole, anyone else (and every sum over several offices) sees them suppressed.
Case figures count whole calendar months (outside the office, only those that are over): the
XLSX and PDF headers say so under the period asked for, the CSV on each line of case figures,
all from `selectors.case_figures_period` (`_case_period`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from satuatap.reports.exports import csv as csv_export
from satuatap.reports.exports import dhis2, pdf, xlsx
from satuatap.reports.exports.common import (
    ExportParameters,
    Progress,
    file_stem,
    filters_label,
    indicator_groups,
    period_label,
    scope_label,
)
from satuatap.reports.results import CasePeriod, IndicatorResult

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "dhis2": "application/json",
}
EXTENSIONS = {"xlsx": "xlsx", "pdf": "pdf", "csv": "csv", "dhis2": "json"}


@dataclass
class ExportFile:
    content: bytes
    filename: str
    content_type: str


def report_offices(viewer, params: ExportParameters):
    """The offices an export covers, as the viewer may see them: the one asked for, or for a
    national export every office the viewer may see."""
    from satuatap.reports.selectors import visible_report_offices

    offices = visible_report_offices(viewer).select_related("region").order_by("name")
    if params.office_id is not None:
        offices = offices.filter(pk=params.office_id)
    return list(offices)


def indicator_codes(params: ExportParameters) -> list[str]:
    from satuatap.reports.indicators import INDICATORS

    wanted = params.selected_codes
    codes = [indicator.code for indicator in INDICATORS]
    return [code for code in codes if wanted is None or code in wanted]


def definitions(codes: Sequence[str]) -> list[tuple[str, str, str, str]]:
    from django.utils.translation import get_language

    from satuatap.reports.indicators import get_indicator

    english = (get_language() or "id").startswith("en")
    rows = []
    for code in codes:
        indicator = get_indicator(code)
        name = indicator.name_en if english and indicator.name_en else indicator.name_id
        definition = (
            indicator.definition_en
            if english and indicator.definition_en
            else indicator.definition_id
        )
        rows.append((code, str(name), str(definition), str(indicator.source)))
    return rows


class _Steps:
    """Counts finished steps and tells `on_progress`."""

    def __init__(self, total: int, on_progress: Progress | None):
        self.done, self.total, self.on_progress = 0, max(total, 1), on_progress

    def step(self) -> None:
        self.done += 1
        if self.on_progress is not None:
            self.on_progress(min(self.done, self.total), self.total)


def _results(
    params: ExportParameters,
    *,
    viewer,
    codes: Sequence[str],
    office_ids: list[int] | None,
    steps: _Steps | None,
    date_from=None,
    date_to=None,
) -> list[IndicatorResult]:
    """The results of `codes` for the offices (None: national), one indicator at a time when
    progress is followed, else in one call."""
    from satuatap.reports import selectors

    arguments = {
        "viewer": viewer,
        "date_from": date_from or params.date_from,
        "date_to": date_to or params.date_to,
        "office_ids": office_ids,
        **params.selector_filters(),
    }
    if steps is None:
        return selectors.indicator_results(codes=list(codes), **arguments)
    results = []
    for code in codes:
        results.append(selectors.indicator_result(code=code, **arguments))
        steps.step()
    return results


def _case_period(params: ExportParameters, *, viewer, codes: Sequence[str]) -> CasePeriod | None:
    """The days the export's case figures count (None when it holds no case-related
    indicator)."""
    from satuatap.reports import selectors
    from satuatap.reports.indicators import get_indicator

    if not any(get_indicator(code).case_related for code in codes):
        return None
    return selectors.case_figures_period(
        viewer=viewer,
        date_from=params.date_from,
        date_to=params.date_to,
        office_ids=params.office_ids,
    )


def _header(
    params: ExportParameters, office, *, title: str = "", counted: CasePeriod | None = None
) -> xlsx.ReportHeader:
    return xlsx.ReportHeader(
        scope=scope_label(office),
        period=period_label(params.date_from, params.date_to),
        filters=filters_label(params),
        title=title,
        case_period=counted.note() if counted is not None else "",
    )


def _report_title(params: ExportParameters) -> str:
    months = params.months()
    return _("Monthly report") if len(months) == 1 else _("Report")


def _comparison(
    params: ExportParameters,
    *,
    viewer,
    codes: Sequence[str],
    steps: _Steps | None,
    counted: CasePeriod | None,
) -> list[tuple[str, list[IndicatorResult]]]:
    """For a national export: each office's total of every indicator, from
    `selectors.office_comparison`, which suppresses the offices' totals together with the
    national total they add up to (so a hidden office cannot be worked out from the others).
    Only the period and the sex filter apply there: with a scheme or destination filter, the
    indicators those filters act on are left out of the comparison. A case-related total
    counts the days `counted` says."""
    from satuatap.reports import selectors
    from satuatap.reports.indicators import get_indicator
    from satuatap.reports.results import Row

    per_office: dict[int, tuple[str, list[IndicatorResult]]] = {}
    for code in codes:
        indicator = get_indicator(code)
        skipped = (params.scheme and indicator.accepts("scheme")) or (
            params.destination and indicator.accepts("destination")
        )
        if not skipped:
            days = (params.date_from, params.date_to)
            if indicator.case_related and counted is not None:
                days = (counted.date_from, counted.date_to)
            for office, cell in selectors.office_comparison(
                code=code,
                viewer=viewer,
                date_from=params.date_from,
                date_to=params.date_to,
                sex=params.sex or None,
            ):
                per_office.setdefault(office.pk, (office.name, []))[1].append(
                    IndicatorResult(
                        code=code,
                        name=str(indicator.name),
                        unit=indicator.unit,
                        date_from=days[0],
                        date_to=days[1],
                        office_ids=[office.pk],
                        rows=[],
                        total=Row(dimension="", label=office.name, total=cell),
                    )
                )
        if steps is not None:
            steps.step()
    return list(per_office.values())


def _report_parts(params, *, viewer, on_progress):
    """Results, header, groups and (nationally) the offices' totals, for XLSX and PDF."""
    codes = indicator_codes(params)
    offices = report_offices(viewer, params)
    office = offices[0] if params.office_id is not None and offices else None
    follow = on_progress is not None
    steps = _Steps(len(codes) * (2 if params.is_national else 1), on_progress) if follow else None
    results = _results(
        params, viewer=viewer, codes=codes, office_ids=params.office_ids, steps=steps
    )
    counted = _case_period(params, viewer=viewer, codes=codes)
    per_office = (
        _comparison(params, viewer=viewer, codes=codes, steps=steps, counted=counted)
        if params.is_national
        else []
    )
    header = _header(params, office, title=_report_title(params), counted=counted)
    return office, results, header, indicator_groups(results), per_office, codes


def build_xlsx(params, *, viewer, on_progress: Progress | None = None) -> ExportFile:
    office, results, header, groups, per_office, codes = _report_parts(
        params, viewer=viewer, on_progress=on_progress
    )
    content = xlsx.monthly_report_xlsx(
        results,
        header=header,
        groups=groups,
        offices=per_office,
        definitions=definitions(codes),
    )
    return ExportFile(content, f"{file_stem(office, params)}.xlsx", CONTENT_TYPES["xlsx"])


def build_pdf(params, *, viewer, on_progress: Progress | None = None) -> ExportFile:
    office, results, header, groups, per_office, _codes = _report_parts(
        params, viewer=viewer, on_progress=on_progress
    )
    content = pdf.monthly_report_pdf(
        results, header=header, groups=groups, office=office, offices=per_office
    )
    return ExportFile(content, f"{file_stem(office, params)}.pdf", CONTENT_TYPES["pdf"])


def build_csv(params, *, viewer, on_progress: Progress | None = None) -> ExportFile:
    """The indicator table(s) of one office or of every office together; a national export
    made in the background adds each office's totals below (see `_comparison`)."""
    from satuatap.reports.indicators import get_indicator

    codes = indicator_codes(params)
    offices = report_offices(viewer, params)
    office = offices[0] if params.office_id is not None and offices else None
    follow = on_progress is not None
    compare = params.is_national and follow
    steps = _Steps(len(codes) * (2 if compare else 1), on_progress) if follow else None
    blocks = [
        (scope_label(office), result)
        for result in _results(
            params, viewer=viewer, codes=codes, office_ids=params.office_ids, steps=steps
        )
    ]
    counted = _case_period(params, viewer=viewer, codes=codes)
    if compare:
        comparison = _comparison(params, viewer=viewer, codes=codes, steps=steps, counted=counted)
        for name, results in comparison:
            blocks += [(name, result) for result in results]
    kind = params.indicator.replace("_", "-") if params.indicator else "tables"
    note = counted.note() if counted is not None else ""
    notes = {code: note for code in codes if note and get_indicator(code).case_related}
    return ExportFile(
        csv_export.indicator_csv(blocks, notes=notes),
        f"{file_stem(office, params, what=kind)}.csv",
        CONTENT_TYPES["csv"],
    )


def build_dhis2(params, *, viewer, on_progress: Progress | None = None) -> ExportFile:
    """One value set for every month of the period and every office (DHIS2 sums the org-unit
    tree itself, so no national sum is sent)."""
    codes = indicator_codes(params)
    offices = report_offices(viewer, params)
    office = offices[0] if params.office_id is not None and offices else None
    months = params.months()
    # One selector call per office and month (all indicators at once): progress per block.
    steps = _Steps(len(offices) * len(months), on_progress) if on_progress is not None else None
    blocks = []
    for each in offices:
        for first, last in months:
            results = _results(
                params,
                viewer=viewer,
                codes=codes,
                office_ids=[each.pk],
                steps=None,
                date_from=first,
                date_to=last,
            )
            blocks.append((each.region_id, results))
            if steps is not None:
                steps.step()
    return ExportFile(
        dhis2.data_value_set_json(blocks),
        f"{file_stem(office, params, what='dhis2')}.json",
        CONTENT_TYPES["dhis2"],
    )


BUILDERS = {"xlsx": build_xlsx, "pdf": build_pdf, "csv": build_csv, "dhis2": build_dhis2}


def build_export(kind: str, params: ExportParameters, *, viewer, on_progress=None) -> ExportFile:
    return BUILDERS[kind](params, viewer=viewer, on_progress=on_progress)
