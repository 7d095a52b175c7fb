"""API of the reports: the indicator definitions and their values.

- `GET /api/v1/indicators`: every indicator, in both languages.
- `GET /api/v1/reports/indicators?office=&from=&to=&indicator=&sex=&scheme=&destination=`:
  the values with their disaggregations. Office staff read their own office (another office
  is a 404); the national analyst and the administrator read any office, or every office
  summed when `office` is omitted, with small case-related counts suppressed
  (`{"value": null, "suppressed": true, "display": "<5"}`).
Only aggregates: nothing here names a person or a record.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from satuatap.core.exceptions import DomainError
from satuatap.core.schemas import ErrorOut
from satuatap.reports import selectors
from satuatap.reports.indicators import INDICATORS, SEXES, get_indicator
from satuatap.reports.results import Cell, Row
from satuatap.reports.schemas import IndicatorOut, ReportOut, ReportQuery

indicators_router = Router(tags=["reports"])
reports_router = Router(tags=["reports"])


def _require_reports(user) -> None:
    if not (
        user.has_perm("reports.view_office_reports")
        or user.has_perm("reports.view_national_reports")
    ):
        raise DomainError("forbidden", _("You may not do this."), status=403)


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(
        "invalid_input", _("Some fields are not valid."), status=422, details={field: [message]}
    )


@indicators_router.get("", response={200: list[IndicatorOut], 403: ErrorOut})
def list_indicators(request):
    """Every indicator: code, names and definitions in Indonesian and English, unit, group,
    dimension, whether it is split by sex and age band and whether it is case-related."""
    _require_reports(request.user)
    return [
        IndicatorOut(
            code=i.code,
            name_id=i.name_id,
            name_en=i.name_en,
            definition_id=i.definition_id,
            definition_en=i.definition_en,
            unit=i.unit,
            group=i.group,
            dimension=i.dimension,
            is_person_count=i.is_person_count,
            by_sex_and_age=i.by_sex_and_age,
            case_related=i.case_related,
            filters=list(i.filters),
            source=i.source,
        )
        for i in INDICATORS
    ]


def _number(value):
    if isinstance(value, Decimal):
        return float(value)
    return value


def _cell(cell: Cell) -> dict:
    return {
        "value": None if cell.suppressed else _number(cell.value),
        "suppressed": cell.suppressed,
        "display": cell.display(),
        "reason": cell.reason or None,
    }


def _row(row: Row) -> dict:
    return {
        "dimension": row.dimension,
        "label": row.label,
        "total": _cell(row.total),
        "by_sex": {k: _cell(c) for k, c in row.by_sex.items()},
        "by_age_band": {k: _cell(c) for k, c in row.by_age_band.items()},
    }


def _office(user, value: str | None):
    offices = selectors.visible_report_offices(user)
    if value is None or value == "":
        if user.has_perm("reports.view_national_reports"):
            return None
        office = offices.first()
        if office is None:
            raise DomainError("forbidden", _("You may not do this."), status=403)
        return office
    lookup: dict[str, int | str] = {"pk": int(value)} if value.isdigit() else {"slug": value}
    office = offices.filter(**lookup).first()
    if office is None:
        raise DomainError("not_found", _("No such record."), status=404)
    return office


@reports_router.get(
    "/indicators",
    response={200: ReportOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    by_alias=True,
)
def report_indicators(request, query: Query[ReportQuery]):
    """Indicator values for an office (or every office summed, for national viewers) and a
    period, each as a table: rows of the indicator's dimension with their total, `by_sex`
    (F, M, U) and `by_age_band` cells, and the total row."""
    user = request.user
    _require_reports(user)
    office = _office(user, query.office)
    today = office.today() if office is not None else timezone.localdate()
    date_to = query.date_to or today
    date_from = query.date_from or date_to.replace(day=1)
    if date_from > date_to:
        raise _invalid("from", _("The first day is after the last day."))
    codes = None
    if query.indicator:
        codes = [c.strip() for c in query.indicator.split(",") if c.strip()]
        unknown = []
        for code in codes:
            try:
                get_indicator(code)
            except KeyError:
                unknown.append(code)
        if unknown:
            raise _invalid(
                "indicator", _("Unknown indicator: %(codes)s") % {"codes": ", ".join(unknown)}
            )
    if query.sex and query.sex not in SEXES:
        raise _invalid("sex", _("Give F, M or U."))
    office_ids = None if office is None else [office.pk]
    results = selectors.indicator_results(
        codes=codes,
        viewer=user,
        date_from=date_from,
        date_to=date_to,
        office_ids=office_ids,
        sex=query.sex,
        scheme=query.scheme,
        destination=(query.destination or "").upper() or None,
    )
    first = results[0] if results else None
    return {
        "office": ({"id": office.pk, "slug": office.slug, "name": office.name} if office else None),
        "office_ids": first.office_ids if first else [],
        "from": date_from,
        "to": date_to,
        "suppression": selectors.suppression_applies(user, office_ids),
        "sex": query.sex,
        "scheme": query.scheme,
        "destination": query.destination,
        "indicators": [
            {
                "code": result.code,
                "name": result.name,
                "unit": result.unit,
                "group": get_indicator(result.code).group,
                "dimension": get_indicator(result.code).dimension,
                "case_related": get_indicator(result.code).case_related,
                "suppressed_cells": result.suppressed_cells,
                "from": result.date_from,
                "to": result.date_to,
                "total": _row(result.total),
                "rows": [_row(row) for row in result.rows],
            }
            for result in results
        ],
    }
