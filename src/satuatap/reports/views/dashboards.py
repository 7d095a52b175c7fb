"""The office dashboard and the national dashboard.

Both read only `reports.selectors` (roll-ups, with suppression applied for whoever is outside
the office) and draw what they get: key figures this period against the one before, trend lines
over twelve months split women / men, and bar charts, each with its numbers in a table beside
it. Neither page shows or links to a personal record.

- Office dashboard (`/reports/office/`): office staff see their own office (another office's id
  is a 404); a national viewer may open any office's (`?office=`), suppressed as nationally.
- National dashboard (`/reports/national/`): the national analyst and the administrator compare
  offices for the chosen indicators, with national totals and trends.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from babel.dates import format_date
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from satuatap.reports import release, selectors
from satuatap.reports.forms import Period, ReportFilterForm, month_bounds
from satuatap.reports.indicators import INDICATORS, get_indicator
from satuatap.reports.results import Cell, IndicatorResult

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


def key_figures(now: list[IndicatorResult], before: list[IndicatorResult]) -> list[KeyFigure]:
    by_code_now = {r.code: r for r in now}
    by_code_before = {r.code: r for r in before}
    figures = []
    for code, label in KEY_FIGURES:
        if code not in by_code_now:
            continue
        current = by_code_now[code].total.total
        previous = by_code_before[code].total.total if code in by_code_before else Cell(None)
        figures.append(
            KeyFigure(
                code=code,
                label=str(label),
                unit=by_code_now[code].unit,
                now=current,
                before=previous,
                change=change_between(current, previous),
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


def export_url(name: str, query: dict[str, str]) -> str:
    """The export's URL with the dashboard's filters, or "" when exports are not there."""
    try:
        url = reverse(f"reports:{name}")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode(query)}"


# --- the office dashboard ----------------------------------------------------------------


def _office_for(request):
    """The office whose dashboard is asked for: the user's own. Naming another office
    (`?office=`) is a 404. A national viewer has no office dashboard: the national one
    compares the offices with their figures suppressed consistently across the page, which a
    single office's full table beside it would undo."""
    user = request.user
    if user.has_perm("reports.view_national_reports") and user.office_id_or_none is None:
        return None
    office = user.office
    if office is None or not user.has_perm("reports.view_office_reports", office):
        raise PermissionDenied
    wanted = (request.GET.get("office") or "").strip()
    if wanted and wanted != str(office.pk):
        raise Http404
    return office


@login_required
@require_GET
def office_dashboard(request):
    office = _office_for(request)
    if office is None:
        query = request.GET.urlencode()
        return redirect(reverse("reports:national-dashboard") + (f"?{query}" if query else ""))
    user = request.user
    form = ReportFilterForm(request.GET or None, today=office.today())
    period = form.period()
    previous = period.previous
    filters = form.filters()
    office_ids = [office.pk]
    codes = list(dict.fromkeys([code for code, _l in KEY_FIGURES] + [c for c, _l in BARS]))
    common = {"viewer": user, "office_ids": office_ids, **filters}
    now = selectors.indicator_results(
        codes=codes, date_from=period.date_from, date_to=period.date_to, **common
    )
    before = selectors.indicator_results(
        codes=[code for code, _l in KEY_FIGURES],
        date_from=previous.date_from,
        date_to=previous.date_to,
        **common,
    )
    by_code = {r.code: r for r in now}
    bars = [
        {"result": by_code[code], "dimension_label": str(label), "chart_id": f"bars-{code}"}
        for code, label in BARS
        if code in by_code
    ]
    trends = [
        trend(code, viewer=user, end=period.date_to, office_ids=office_ids, filters=filters)
        for code in TRENDS
    ]
    query = form.query(period=period, office_id=office.pk)
    context = {
        "office": office,
        "form": form,
        "period": period,
        "period_label": period_label(period),
        "previous_label": period_label(previous),
        "previous_short": period_label(previous, short=True),
        "figures": key_figures(now, before),
        "trends": trends,
        "bars": bars,
        "filters": filters,
        "xlsx_url": export_url("export-monthly-xlsx", query),
        "pdf_url": export_url("export-monthly-pdf", query),
        "exports_url": export_url("export-list", query),
    }
    return render(request, "reports/dashboard_office.html", context)


# --- the national dashboard --------------------------------------------------------------


class NationalFilterForm(ReportFilterForm):
    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        from django import forms

        self.fields["indicator"] = forms.MultipleChoiceField(
            label=_("Indicators"),
            choices=[(i.code, i.name) for i in INDICATORS],
            required=False,
            help_text=_("None chosen: the headline indicators."),
            widget=forms.SelectMultiple(attrs={"size": 4}),
        )

    def codes(self) -> list[str]:
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        return list(data.get("indicator") or NATIONAL_DEFAULT)

    def period(self) -> Period:
        """The period chosen; by default the last month that is over, the latest whose case
        figures have left the offices (`reports/release.py`)."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        if data.get("from") or data.get("to") or data.get("month"):
            return super().period()
        first, last = month_bounds(release.open_month() - datetime.timedelta(days=1))
        return Period(first, last, True)


@dataclass
class Comparison:
    code: str
    name: str
    unit: str
    cells: dict[int, Cell]  # office id → cell
    all_cells: list[Cell]  # every office's, shown or not
    rows: list[tuple[str, Cell]]  # (office name, cell) of the offices shown, for the chart
    chart_id: str


def _national_today() -> datetime.date:
    return timezone.localdate()


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
    trends: list


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
    dates = {"date_from": date_from, "date_to": date_to}
    comparisons = []
    for code in codes:
        indicator = get_indicator(code)
        pairs = selectors.office_comparison(code=code, viewer=user, sex=filters["sex"], **dates)
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
        for r in selectors.indicator_results(codes=codes, viewer=user, sex=filters["sex"], **dates)
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
                codes=again, viewer=user, office_ids=chosen_ids, **filters, **dates
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
    return NationalReads(comparisons, all_offices, withheld, results, trends)


@login_required
@require_GET
def national_dashboard(request):
    user = request.user
    if not user.has_perm("reports.view_national_reports"):
        raise PermissionDenied
    offices = list(selectors.visible_report_offices(user))
    form = NationalFilterForm(
        request.GET or None,
        today=_national_today(),
        offices=selectors.visible_report_offices(user),
    )
    period = form.period()
    filters = form.filters()
    chosen = form.offices()
    chosen_ids = [o.pk for o in chosen] or None
    shown_offices = chosen or offices
    reads = national_reads(
        user,
        date_from=period.date_from,
        date_to=period.date_to,
        filters=filters,
        chosen_ids=chosen_ids,
        codes=form.codes(),
        shown_offices=shown_offices,
    )
    comparisons, withheld = reads.comparisons, reads.withheld
    all_offices, results, trends = reads.all_offices, reads.results, reads.trends
    query = form.query(period=period)
    context = {
        "form": form,
        "period": period,
        "period_label": period_label(period),
        "comparisons": comparisons,
        "table_rows": [
            {
                "office": office,
                "cells": [(c.unit, c.cells.get(office.pk, Cell(0))) for c in comparisons],
            }
            for office in shown_offices
        ],
        "totals": [(c, all_offices.get(c.code, Cell(None))) for c in comparisons],
        "results": results,
        "withheld": [c for c in comparisons if c.code in withheld],
        "trends": trends,
        "chosen": chosen,
        "filters": filters,
        "exports_url": export_url("export-list", query),
    }
    return render(request, "reports/dashboard_national.html", context)


urlpatterns = [
    path("office/", office_dashboard, name="office-dashboard"),
    path("national/", national_dashboard, name="national-dashboard"),
]
