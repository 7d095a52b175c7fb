"""Template tags of the report pages: report values in the language in use, and SVG charts.

`{{ cell|cell_value:unit }}` prints a `Cell` ("<5" and "×" for suppressed ones, never the
number); `{% bar_chart %}`, `{% result_bar_chart %}` and `{% line_chart %}` draw a chart whose
geometry `reports.charts` computes.
"""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_compact_decimal, format_decimal
from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from satuatap.reports import charts
from satuatap.reports.results import Cell, IndicatorResult

register = template.Library()

# Units whose values are whole numbers (the others: averages and indexes).
WHOLE_UNITS = frozenset(
    {"people", "events", "rupiah", "services", "visits", "cases", "referrals", "count"}
)


def _locale() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id_ID"


def format_number(value, unit: str = "people") -> str:
    """A report value in the language in use: rupiah with the currency, minutes with one
    decimal, an index with two, counts as whole numbers."""
    if value is None:
        return charts.EMPTY_TEXT
    locale = _locale()
    if unit == "rupiah":
        digits = format_decimal(int(value), format="#,##0", locale=locale)
        return f"IDR {digits}" if locale == "en" else f"Rp {digits}"
    if unit == "minutes":
        return format_decimal(Decimal(value), format="#,##0.0", locale=locale)
    if unit == "index":
        return format_decimal(Decimal(value), format="#,##0.00", locale=locale)
    if isinstance(value, float | Decimal) and value != int(value):
        return format_decimal(value, format="#,##0.#", locale=locale)
    return format_decimal(int(value), format="#,##0", locale=locale)


def format_tick(value, unit: str = "people") -> str:
    """An axis tick: short (`12,5 jt`) for money, plain otherwise."""
    if unit == "rupiah" and value >= 10_000:
        return format_compact_decimal(value, locale=_locale(), fraction_digits=1)
    if unit in ("minutes", "index") or (isinstance(value, float) and not value.is_integer()):
        return format_decimal(value, format="#,##0.#", locale=_locale())
    return format_decimal(int(value), format="#,##0", locale=_locale())


def formatters(unit: str) -> dict:
    return {
        "formatter": lambda v: format_number(v, unit),
        "tick_formatter": lambda v: format_tick(v, unit),
        "integer": unit in WHOLE_UNITS,
    }


@register.filter
def cell_value(cell: Cell | None, unit: str = "people") -> str:
    """A cell for a table: "<5" (or "×") when suppressed, "–" when empty, else the number."""
    if cell is None:
        return charts.EMPTY_TEXT
    if cell.suppressed:
        return cell.display()
    return format_number(cell.value, unit)


@register.filter
def report_number(value, unit: str = "people") -> str:
    """A plain number (not a cell) in the unit's format, e.g. a change against last month."""
    return format_number(value, unit)


@register.filter
def sex_cell(row, key: str) -> Cell | None:
    """`row.by_sex[key]` for templates (which cannot index a dict by a variable)."""
    return row.by_sex.get(key) if row is not None else None


@register.filter
def lookup(mapping: dict, key: str):
    """`mapping[key]` for templates, "" when it has no such key (a link per indicator code)."""
    return mapping.get(key, "") if mapping else ""


@register.filter
def age_cell(row, key: str) -> Cell | None:
    return row.by_age_band.get(key) if row is not None else None


def sex_names() -> dict[str, str]:
    return {"F": _("Women"), "M": _("Men"), "U": _("Not recorded"), "total": _("Total")}


@register.inclusion_tag("reports/_bar_chart.html")
def bar_chart(
    rows,
    *,
    chart_id: str,
    title: str,
    desc: str = "",
    unit: str = "people",
    orientation: str = "horizontal",
    width: int = 640,
):
    """Bars of (label, Cell) rows, e.g. an indicator across offices."""
    chart = charts.bar_chart(list(rows), orientation=orientation, width=width, **formatters(unit))
    return {"chart": chart, "chart_id": chart_id, "title": title, "desc": desc or title}


@register.inclusion_tag("reports/_bar_chart.html")
def result_bar_chart(
    result: IndicatorResult,
    *,
    chart_id: str,
    title: str = "",
    desc: str = "",
    by_sex: bool = True,
    orientation: str = "horizontal",
    width: int = 640,
):
    """Bars of an indicator's dimension values; grouped women / men (/ not recorded) when the
    result is split by sex and `by_sex`."""
    keys = charts.sex_keys_present(result) if by_sex else []
    names = sex_names()
    if keys:
        chart = charts.grouped_bar_chart(
            charts.result_rows_by_sex(result, keys),
            series=[(names[k], k) for k in keys],
            orientation=orientation,
            width=width,
            **formatters(result.unit),
        )
    else:
        chart = charts.bar_chart(
            charts.result_rows(result),
            orientation=orientation,
            width=width,
            **formatters(result.unit),
        )
    title = title or result.name
    return {"chart": chart, "chart_id": chart_id, "title": title, "desc": desc or title}


@register.inclusion_tag("reports/_line_chart.html")
def line_chart(
    x_labels,
    series,
    *,
    chart_id: str,
    title: str,
    desc: str = "",
    unit: str = "people",
    width: int = 640,
):
    """Lines over `x_labels`; `series` is a list of (name, style key, cells)."""
    chart = charts.line_chart(list(x_labels), list(series), width=width, **formatters(unit))
    return {"chart": chart, "chart_id": chart_id, "title": title, "desc": desc or title}


def dimension_name(code: str) -> str:
    """What the rows of an indicator's table are ("Desk", "Destination"…), or ""."""
    from satuatap.reports.indicators import get_indicator

    try:
        dimension = get_indicator(code).dimension
    except KeyError:
        return ""
    return {
        "desk": _("Desk"),
        "element": _("Element"),
        "destination": _("Destination"),
        "scheme": _("Scheme"),
        "sector": _("Sector"),
        "reason": _("Reason"),
        "course_kind": _("Course"),
        "channel": _("Channel"),
        "category": _("Category"),
        "partner": _("Partner"),
        "result": _("Result"),
        "village": _("Village"),
    }.get(dimension, "")


AGE_BAND_LABELS = {
    "0-17": "0–17",
    "18-24": "18–24",
    "25-39": "25–39",
    "40-59": "40–59",
    "60+": "60+",
}


@register.inclusion_tag("reports/_indicator_table.html")
def indicator_table(
    result: IndicatorResult,
    *,
    table_id: str,
    caption: str = "",
    dimension_label: str = "",
    show_ages: bool = True,
):
    """The numbers of an indicator result as a table, by sex (and by age band in a fold-out):
    the accessible source of its chart."""
    rows = [*result.rows, result.total]
    sexes = [k for k in ("F", "M", "U") if any(k in row.by_sex for row in rows)]
    ages: list[str] = []
    for row in rows:
        for key in row.by_age_band:
            if key not in ages:
                ages.append(key)
    names = sex_names()
    age_names = {**AGE_BAND_LABELS, "unknown": _("Age not recorded")}
    if not dimension_label:
        dimension_label = dimension_name(result.code)
    return {
        "result": result,
        "table_id": table_id,
        "caption": caption or result.name,
        "dimension_label": dimension_label,
        "sexes": [(k, names[k]) for k in sexes],
        "ages": [(k, age_names.get(k, k)) for k in ages] if show_ages else [],
        "show_rows": bool(result.rows)
        and not (len(result.rows) == 1 and result.rows[0].dimension == ""),
    }


@register.inclusion_tag("reports/_bar_chart.html")
def grouped_bar_chart(
    rows,
    series,
    *,
    chart_id: str,
    title: str,
    desc: str = "",
    unit: str = "people",
    orientation: str = "horizontal",
    width: int = 640,
):
    """Groups of bars: `rows` is a list of (label, [cell per series]), `series` of (name, key)."""
    chart = charts.grouped_bar_chart(
        list(rows), series=list(series), orientation=orientation, width=width, **formatters(unit)
    )
    return {"chart": chart, "chart_id": chart_id, "title": title, "desc": desc or title}
