"""The office dashboard and the national dashboard (what they read: `reports.dashboards`).

- Office dashboard (`/reports/office/`): office staff see their own office (another office's id
  is a 404); a national viewer is sent to the national dashboard. It fits two screens: key
  figures and four trends; each figure, trend and breakdown links to its indicator page
  (`/reports/office/indicators/<code>/`: the table by desk, destination…, sex and age band, and
  twelve months), with the same period and filters.
- National dashboard (`/reports/national/`): the national analyst and the administrator compare
  offices for the chosen indicators, with national totals and trends.

Neither page shows or links to a personal record.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from satuatap.reports import release, selectors
from satuatap.reports.dashboards import (
    KEY_FIGURES,
    NATIONAL_DEFAULT,
    breakdown_links,
    national_reads,
    office_indicator_reads,
    office_reads,
    period_label,
)
from satuatap.reports.forms import Period, ReportFilterForm, month_bounds
from satuatap.reports.indicators import INDICATORS, get_indicator
from satuatap.reports.results import Cell


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
    form = ReportFilterForm(request.GET or None, today=office.today())
    period = form.period()
    filters = form.filters()
    reads = office_reads(request.user, office_id=office.pk, period=period, filters=filters)
    query = form.query(period=period, office_id=office.pk)
    here = request.GET.urlencode()
    context = {
        "office": office,
        "form": form,
        "period": period,
        "period_label": period_label(period),
        "previous_label": period_label(period.previous),
        "previous_short": period_label(period.previous, short=True),
        "figures": reads.figures,
        "trends": reads.trends,
        "details": {
            code: _indicator_url(code, here)
            for code in [*(c for c, _l in KEY_FIGURES), *(c for c, _t in breakdown_links())]
        },
        "breakdowns": [(text, _indicator_url(code, here)) for code, text in breakdown_links()],
        "case_period": reads.case_period,
        "filters": filters,
        "xlsx_url": export_url("export-monthly-xlsx", query),
        "pdf_url": export_url("export-monthly-pdf", query),
        "exports_url": export_url("export-list", query),
        "figures_behind": selectors.figures_are_behind(),
    }
    return render(request, "reports/dashboard_office.html", context)


def _indicator_url(code: str, query: str) -> str:
    url = reverse("reports:office-indicator", args=[code])
    return f"{url}?{query}" if query else url


@login_required
@require_GET
def office_indicator(request, code: str):
    """One indicator of the office dashboard in full: its chart and table for the period, and
    its twelve months, with the dashboard's period and filters."""
    office = _office_for(request)
    if office is None:
        query = request.GET.urlencode()
        return redirect(reverse("reports:national-dashboard") + (f"?{query}" if query else ""))
    try:
        indicator = get_indicator(code)
    except KeyError:
        raise Http404 from None
    form = ReportFilterForm(request.GET or None, today=office.today())
    period = form.period()
    filters = form.filters()
    reads = office_indicator_reads(
        request.user, office_id=office.pk, period=period, filters=filters, code=code
    )
    here = request.GET.urlencode()
    query = form.query(period=period, office_id=office.pk)
    context = {
        "office": office,
        "indicator": indicator,
        "form": form,
        "period": period,
        "period_label": period_label(period),
        "filters": filters,
        "reads": reads,
        "result": reads.result,
        "trend": reads.trend,
        "case_period": reads.case_period,
        "dashboard_url": reverse("reports:office-dashboard") + (f"?{here}" if here else ""),
        "csv_url": export_url("export-indicator-csv", {**query, "indicator": code}),
        "figures_behind": selectors.figures_are_behind(),
    }
    return render(request, "reports/office_indicator.html", context)


# --- the national dashboard --------------------------------------------------------------


class NationalFilterForm(ReportFilterForm):
    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
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


def _national_today() -> datetime.date:
    return timezone.localdate()


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
        "case_period_note": reads.case_period.note() if reads.case_period else "",
        "chosen": chosen,
        "filters": filters,
        "exports_url": export_url("export-list", query),
        "figures_behind": selectors.figures_are_behind(),
    }
    return render(request, "reports/dashboard_national.html", context)


urlpatterns = [
    path("office/", office_dashboard, name="office-dashboard"),
    path("office/indicators/<str:code>/", office_indicator, name="office-indicator"),
    path("national/", national_dashboard, name="national-dashboard"),
]
