"""What the office and national dashboards show, read through `reports.selectors`.

Key figures this period against the one before, trend lines over twelve months split women /
men, the office dashboard's bar charts, and the national comparison of offices with what a
chosen group of offices may not see. The views render these; benchmarks/bench_national.py times
`national_reads`. Nothing here reads a personal record.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from babel.dates import format_date
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from satuatap.reports import selectors
from satuatap.reports.forms import Period
from satuatap.reports.indicators import get_indicator
from satuatap.reports.results import CasePeriod, Cell, IndicatorResult

# Key figures of the office dashboard: (indicator code, short label).
KEY_FIGURES = (
    ("visitors", gettext_lazy("Visitors")),
    ("registrations", gettext_lazy("Registrations")),
    ("departures_by_destination", gettext_lazy("Departures")),
    ("returns_by_reason", gettext_lazy("Returns")),
    ("information_contacts", gettext_lazy("Information contacts")),
    ("counselling_contacts", gettext_lazy("Counselling contacts")),
    ("complaints_received", gettext_lazy("Complaints received")),
    ("complaints_resolved", gettext_lazy("Complaints resolved")),
    ("complaints_pending", gettext_lazy("Complaints pending")),
    ("money_recovered", gettext_lazy("Money recovered")),
    ("referrals_by_partner", gettext_lazy("Referrals")),
    ("outreach_people_reached", gettext_lazy("People reached by outreach")),
    ("people_trained", gettext_lazy("People trained")),
    ("waiting_time", gettext_lazy("Average waiting time (minutes)")),
    ("service_time", gettext_lazy("Average service time (minutes)")),
    ("ikm", gettext_lazy("Satisfaction index (IKM)")),
)
# Headline trends over twelve months, women and men.
TRENDS = ("visitors", "registrations", "departures_by_destination", "complaints_received")
# Bar charts of the office dashboard: (indicator code, what its rows are).
BARS = (
    ("services_served", gettext_lazy("Desk")),
    ("departures_by_destination", gettext_lazy("Destination")),
    ("complaints_received", gettext_lazy("Category")),
    ("referrals_by_result", gettext_lazy("Result")),
)
# What the national dashboard compares when nothing is chosen.
NATIONAL_DEFAULT = (
    "visitors",
    "registrations",
    "departures_by_destination",
    "complaints_received",
    "outreach_people_reached",
)
NATIONAL_TRENDS = ("visitors", "departures_by_destination", "complaints_received")
NARROWING = ("scheme", "destination")  # filters that change only the tables that accept them
TREND_MONTHS = 12
SEX_NAMES = {
    "F": gettext_lazy("Women"),
    "M": gettext_lazy("Men"),
    "U": gettext_lazy("Not recorded"),
}


# --- pieces both dashboards use ----------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """This period against the one before; nothing when either side is suppressed or empty."""

    delta: int | Decimal | None
    percent: Decimal | None
    direction: str  # "up", "down", "same", or "" when it cannot be said

    @property
    def arrow(self) -> str:
        return {"up": "▲", "down": "▼", "same": "="}.get(self.direction, "")


def change_between(now: Cell, before: Cell) -> Change:
    if now.suppressed or before.suppressed or now.value is None or before.value is None:
        return Change(None, None, "")
    delta = now.value - before.value
    percent = None
    if before.value:
        percent = (Decimal(delta) * 100 / Decimal(before.value)).quantize(Decimal("1"))
    direction = "up" if delta > 0 else "down" if delta < 0 else "same"
    return Change(delta, percent, direction)


@dataclass(frozen=True)
class KeyFigure:
    code: str
    label: str
    unit: str
    now: Cell
    before: Cell
    change: Change
    better: str = ""  # the indicator's good direction: "up", "down" or "" (neither)

    @property
    def verdict(self) -> str:
        """ "better", "worse", or "" when the change is none, unknown or neither good nor bad."""
        if not self.better or self.change.direction not in ("up", "down"):
            return ""
        return "better" if self.change.direction == self.better else "worse"


def _overlap(now: IndicatorResult, before: IndicatorResult) -> bool:
    return now.date_from <= before.date_to and before.date_from <= now.date_to


def key_figures(now: list[IndicatorResult], before: list[IndicatorResult]) -> list[KeyFigure]:
    by_code_now = {r.code: r for r in now}
    by_code_before = {r.code: r for r in before}
    figures = []
    for code, label in KEY_FIGURES:
        if code not in by_code_now:
            continue
        current = by_code_now[code].total.total
        previous = by_code_before[code].total.total if code in by_code_before else Cell(None)
        if code in by_code_before and _overlap(by_code_now[code], by_code_before[code]):
            # Both periods widened to the same month (case figures count whole months): no
            # figure before this one to compare with.
            previous = Cell(None)
        figures.append(
            KeyFigure(
                code=code,
                label=str(label),
                unit=by_code_now[code].unit,
                now=current,
                before=previous,
                change=change_between(current, previous),
                better=get_indicator(code).better,
            )
        )
    return figures


def _locale() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def month_label(day: datetime.date, *, short: bool = True) -> str:
    return format_date(day, "MMM yy" if short else "LLLL yyyy", locale=_locale())


def period_label(period: Period, *, short: bool = False) -> str:
    locale = _locale()
    if period.is_month:
        return format_date(period.date_from, "MMM yyyy" if short else "LLLL yyyy", locale=locale)
    day = "d MMM" if short else "d MMM yyyy"
    start = format_date(period.date_from, day, locale=locale)
    end = format_date(period.date_to, day, locale=locale)
    return f"{start} – {end}"


@dataclass
class Trend:
    code: str
    name: str
    unit: str
    chart_id: str
    x_labels: list[str]
    series: list[tuple[str, str, list[Cell]]]  # (name, style key, cells)
    rows: list[tuple[str, list[Cell]]]  # per month: (label, cell per series)


def trend(
    code: str, *, viewer, end: datetime.date, office_ids: list[int] | None, filters: dict
) -> Trend:
    """Twelve months to `end` of one indicator, a line per sex (only the one filtered on)."""
    indicator = get_indicator(code)
    if indicator.by_sex_and_age:
        sexes = [filters["sex"]] if filters.get("sex") else ["F", "M"]
    else:
        sexes = [None]
    series = []
    months: list[datetime.date] = []
    for sex in sexes:
        points = selectors.monthly_series(
            code=code,
            viewer=viewer,
            months=TREND_MONTHS,
            end=end,
            office_ids=office_ids,
            sex=sex,
            scheme=filters.get("scheme"),
            destination=filters.get("destination"),
        )
        months = [day for day, _cell in points]
        name = str(SEX_NAMES[sex]) if sex else _("Total")
        series.append((name, sex or "total", [cell for _day, cell in points]))
    rows = [
        (month_label(day, short=False), [cells[i] for _n, _k, cells in series])
        for i, day in enumerate(months)
    ]
    return Trend(
        code=code,
        name=str(dict(KEY_FIGURES).get(code, indicator.name)),
        unit=indicator.unit,
        chart_id=f"trend-{code}",
        x_labels=[month_label(day) for day in months],
        series=series,
        rows=rows,
    )


@dataclass
class OfficeReads:
    figures: list[KeyFigure]
    trends: list[Trend]
    # The days the case figures count (`selectors.case_figures_period`).
    case_period: CasePeriod | None = None


def office_reads(user, *, office_id: int, period: Period, filters: dict) -> OfficeReads:
    """What the office dashboard shows for one office and period, read for `user`: the key
    figures and the four trends. The breakdowns (`BARS`) and every indicator's table are on
    the indicator pages (`office_indicator_reads`)."""
    previous = period.previous
    office_ids = [office_id]
    codes = [code for code, _l in KEY_FIGURES]
    common = {"viewer": user, "office_ids": office_ids, **filters}
    now = selectors.indicator_results(
        codes=codes, date_from=period.date_from, date_to=period.date_to, **common
    )
    before = selectors.indicator_results(
        codes=codes, date_from=previous.date_from, date_to=previous.date_to, **common
    )
    trends = [
        trend(code, viewer=user, end=period.date_to, office_ids=office_ids, filters=filters)
        for code in TRENDS
    ]
    counted = selectors.case_figures_period(
        viewer=user, date_from=period.date_from, date_to=period.date_to, office_ids=office_ids
    )
    return OfficeReads(key_figures(now, before), trends, counted)


def breakdown_links() -> list[tuple[str, str]]:
    """(indicator code, its name, e.g. "Departures by destination") of the office dashboard's
    breakdowns: each opens its indicator page."""
    return [(code, get_indicator(code).name) for code, _label in BARS]


@dataclass
class IndicatorReads:
    result: IndicatorResult
    trend: Trend
    dimension_label: str
    has_rows: bool  # a table by desk, destination…; else only the whole (by sex and age)
    case_period: CasePeriod | None = None


def office_indicator_reads(
    user, *, office_id: int, period: Period, filters: dict, code: str
) -> IndicatorReads:
    """One indicator of one office: its table for the period (by its dimension, sex and age
    band) and its twelve months, as the office dashboard reads them."""
    indicator = get_indicator(code)
    office_ids = [office_id]
    result = selectors.indicator_result(
        code=code,
        viewer=user,
        office_ids=office_ids,
        date_from=period.date_from,
        date_to=period.date_to,
        **filters,
    )
    counted = None
    if indicator.case_related:
        counted = selectors.case_figures_period(
            viewer=user, date_from=period.date_from, date_to=period.date_to, office_ids=office_ids
        )
    has_rows = any(row.dimension != "" for row in result.rows)
    return IndicatorReads(
        result=result,
        trend=trend(code, viewer=user, end=period.date_to, office_ids=office_ids, filters=filters),
        dimension_label=str(dict(BARS).get(code, "")),
        has_rows=has_rows,
        case_period=counted,
    )


@dataclass
class Comparison:
    code: str
    name: str
    unit: str
    cells: dict[int, Cell]  # office id → cell
    all_cells: list[Cell]  # every office's, shown or not
    rows: list[tuple[str, Cell]]  # (office name, cell) of the offices shown, for the chart
    chart_id: str


def withheld_for_subset(comparisons: list[Comparison], chosen_ids: list[int] | None) -> set[str]:
    """Indicators whose figures for a chosen group of offices are not shown.

    The comparison hides some offices' cells (small, and complementary so that the all-office
    total gives nothing away). A total over some of the offices would undo that: all offices
    minus the chosen ones, or the chosen ones minus the visible ones, is a hidden cell. So when
    offices are chosen, an indicator with any hidden office cell shows no figures for them."""
    if not chosen_ids:
        return set()
    return {c.code for c in comparisons if any(cell.suppressed for cell in c.all_cells)}


@dataclass
class NationalReads:
    comparisons: list[Comparison]
    all_offices: dict
    withheld: set[str]
    results: list[IndicatorResult]
    trends: list[Trend]
    # The days the case figures count (`selectors.case_figures_period`).
    case_period: CasePeriod | None = None


def national_reads(
    user,
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    filters: dict,
    chosen_ids: list[int] | None,
    codes: list[str],
    shown_offices: list,
) -> NationalReads:
    """Everything the national dashboard shows, read for this analyst (the view renders it;
    benchmarks/bench_national.py times it)."""
    comparisons = []
    for code in codes:
        indicator = get_indicator(code)
        pairs = selectors.office_comparison(
            code=code, viewer=user, sex=filters["sex"], date_from=date_from, date_to=date_to
        )
        cells = {office.pk: cell for office, cell in pairs}
        comparisons.append(
            Comparison(
                code=code,
                name=indicator.name,
                unit=indicator.unit,
                cells=cells,
                all_cells=[cell for _office, cell in pairs],
                rows=[(o.name, cells.get(o.pk, Cell(0))) for o in shown_offices],
                chart_id=f"offices-{code}",
            )
        )
    # The comparison's own total: every office, by sex only (what office_comparison splits).
    every_office = {
        r.code: r
        for r in selectors.indicator_results(
            codes=codes, viewer=user, sex=filters["sex"], date_from=date_from, date_to=date_to
        )
    }
    all_offices = {code: r.total.total for code, r in every_office.items()}
    withheld = withheld_for_subset(comparisons, chosen_ids)
    shown_codes = [code for code in codes if code not in withheld]
    # A table the chosen offices and the scheme/destination filters do not change is the one
    # just read (outreach by village is a large table: read it once).
    again = [
        code
        for code in shown_codes
        if chosen_ids or any(filters[f] and get_indicator(code).accepts(f) for f in NARROWING)
    ]
    narrowed = {
        r.code: r
        for r in (
            selectors.indicator_results(
                codes=again,
                viewer=user,
                office_ids=chosen_ids,
                **filters,
                date_from=date_from,
                date_to=date_to,
            )
            if again
            else []
        )
    }
    results = [narrowed.get(code) or every_office[code] for code in shown_codes]
    trends = [
        trend(code, viewer=user, end=date_to, office_ids=chosen_ids, filters=filters)
        for code in NATIONAL_TRENDS
        if code not in withheld
    ]
    counted = selectors.case_figures_period(
        viewer=user, office_ids=chosen_ids, date_from=date_from, date_to=date_to
    )
    return NationalReads(comparisons, all_offices, withheld, results, trends, counted)
