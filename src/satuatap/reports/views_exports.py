"""Report exports: downloads made in the request, and the page of background exports.

- `export-monthly-xlsx`, `export-monthly-pdf`, `export-dhis2` (GET: office, month=YYYY-MM or
  from=/to=, sex, scheme, destination) answer with the file for one office. Without an office,
  a national viewer is sent to the exports page with the same choices filled in: every office
  together is made in the background. A DHIS2 export longer than a year goes there too.
- `export-indicator-csv` (GET: indicator, and the same parameters) answers with one indicator
  table, for one office or (one selector call) nationally.
- `export-list` shows the user's exports with a progress bar (htmx polls it while one runs) and
  starts a new one (POST); `export-download` hands a finished file to the person who asked
  for it, and to nobody else (404).

Office staff export only their own office; an office they may not see is a 404.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods
from django_countries import countries

from satuatap.core.downloads import private_file_response
from satuatap.core.errors import pass_on_access_refusal
from satuatap.core.exceptions import DomainError
from satuatap.reports.export_models import ExportKind
from satuatap.reports.exports import access
from satuatap.reports.exports import selectors as export_selectors
from satuatap.reports.exports import services as export_services
from satuatap.reports.exports.builders import CONTENT_TYPES, ExportFile, build_export
from satuatap.reports.exports.common import (
    ExportParameters,
    month_bounds,
    parse_filters,
    parse_period,
)

# A DHIS2 export of one office for up to this many months is made in the request.
MAX_DIRECT_DHIS2_MONTHS = 12
# The exports page lists this many of the user's exports.
SHOWN_JOBS = 30


def _require_exporter(request) -> None:
    if not access.may_export(request.user):
        raise PermissionDenied


def _office_id(request) -> int | None:
    """The office asked for: `office=<id>` (or a short name); none (or "national") means the
    user's own office for office staff, and every office for a national viewer."""
    from satuatap.reports.selectors import visible_report_offices

    value = (request.GET.get("office") or "").strip()
    if value in ("national", "all"):
        return None
    if value == "":
        return request.user.office_id_or_none
    if value.isdigit():
        return int(value)
    office = visible_report_offices(request.user).filter(slug=value).first()
    if office is None:
        raise Http404
    return office.pk


def _today(office_id: int | None) -> datetime.date:
    from satuatap.core.models import Organisation

    office = Organisation.objects.filter(pk=office_id).first() if office_id else None
    return office.today() if office is not None else timezone.localdate()


def _parameters(request, *, indicator: str = "") -> ExportParameters:
    office_id = _office_id(request)
    date_from, date_to = parse_period(request.GET, today=_today(office_id))
    return ExportParameters(
        date_from=date_from,
        date_to=date_to,
        office_id=office_id,
        indicator=indicator,
        **parse_filters(request.GET),
    )


def _bad_request(request, message: str) -> HttpResponse:
    return render(request, "reports/export_error.html", {"message": message}, status=400)


def download_response(made: ExportFile) -> HttpResponse:
    response = HttpResponse(made.content, content_type=made.content_type)
    # Never None for an attachment (the stubs type it for `inline` without a name too).
    response["Content-Disposition"] = (
        content_disposition_header(True, made.filename) or "attachment"
    )
    _private(response)
    return response


def _private(response) -> None:
    # Aggregates of one office's people: never kept by a shared cache or the browser.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"


def _to_export_page(kind: str, params: ExportParameters):
    query = {
        "kind": kind,
        "office": params.office_id or "",
        "month_from": params.date_from.strftime("%Y-%m"),
        "month_to": params.date_to.strftime("%Y-%m"),
        "sex": params.sex,
        "scheme": params.scheme,
        "destination": params.destination,
    }
    return redirect(f"{reverse('reports:export-list')}?{urlencode(query)}")


def _export(request, kind: str, *, indicator: str = "") -> HttpResponse:
    _require_exporter(request)
    try:
        params = _parameters(request, indicator=indicator)
        access.export_office(request.user, params)
    except DomainError as error:
        pass_on_access_refusal(error)
        return _bad_request(request, error.message)
    in_background = (params.is_national and kind != "csv") or (
        kind == "dhis2" and len(params.months()) > MAX_DIRECT_DHIS2_MONTHS
    )
    if in_background:
        return _to_export_page(kind, params)
    return download_response(build_export(kind, params, viewer=request.user))


@login_required
@require_GET
def export_monthly_xlsx(request):
    return _export(request, "xlsx")


@login_required
@require_GET
def export_monthly_pdf(request):
    return _export(request, "pdf")


@login_required
@require_GET
def export_dhis2(request):
    return _export(request, "dhis2")


@login_required
@require_GET
def export_indicator_csv(request):
    from satuatap.reports.indicators import get_indicator

    _require_exporter(request)
    code = (request.GET.get("indicator") or "").strip()
    try:
        get_indicator(code)
    except (KeyError, LookupError):
        return _bad_request(request, _("Choose one of the indicators."))
    return _export(request, "csv", indicator=code)


# --- Background exports ----------------------------------------------------------------------


class ExportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Export"), choices=ExportKind.choices)
    office = forms.ChoiceField(label=gettext_lazy("Office"), required=False)
    month_from = forms.CharField(
        label=gettext_lazy("From (month)"), widget=forms.DateInput(attrs={"type": "month"})
    )
    month_to = forms.CharField(
        label=gettext_lazy("To (month)"), widget=forms.DateInput(attrs={"type": "month"})
    )
    sex = forms.ChoiceField(
        label=gettext_lazy("Sex"),
        required=False,
        choices=[
            ("", gettext_lazy("Everyone")),
            ("F", gettext_lazy("Women")),
            ("M", gettext_lazy("Men")),
            ("U", gettext_lazy("Not recorded")),
        ],
    )
    scheme = forms.ChoiceField(label=gettext_lazy("Scheme"), required=False)
    destination = forms.ChoiceField(label=gettext_lazy("Destination"), required=False)

    def __init__(self, *args, user, **kwargs):
        from satuatap.placement.facts import Scheme
        from satuatap.reports.selectors import visible_report_offices

        super().__init__(*args, **kwargs)
        offices = [(str(o.pk), o.name) for o in visible_report_offices(user).order_by("name")]
        if access.may_export_national(user):
            offices.insert(0, ("", _("National (all offices)")))
        self.fields["office"].choices = offices
        self.fields["scheme"].choices = [("", _("Every scheme")), *Scheme.choices]
        self.fields["destination"].choices = [("", _("Every destination")), *countries]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            date_from, date_to = parse_period(
                {"from": data["month_from"], "to": data["month_to"]}, today=timezone.localdate()
            )
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        data["params"] = ExportParameters(
            date_from=date_from,
            date_to=date_to,
            office_id=int(data["office"]) if data.get("office") else None,
            sex=data.get("sex", ""),
            scheme=data.get("scheme", ""),
            destination=data.get("destination", ""),
        )
        return data


def _initial(request) -> dict:
    today = timezone.localdate()
    first = (today.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    initial = {
        "kind": ExportKind.XLSX,
        "month_from": first.strftime("%Y-%m"),
        "month_to": month_bounds(today.year, today.month)[0].strftime("%Y-%m"),
    }
    # The dashboards link here with their own names (month, from, to).
    query = request.GET
    if query.get("month"):
        initial["month_from"] = initial["month_to"] = query["month"][:7]
    if query.get("from"):
        initial["month_from"] = query["from"][:7]
    if query.get("to"):
        initial["month_to"] = query["to"][:7]
    for name in ("kind", "office", "month_from", "month_to", "sex", "scheme", "destination"):
        if query.get(name):
            initial[name] = query[name]
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def export_list(request):
    _require_exporter(request)
    user = request.user
    if request.method == "POST":
        form = ExportRequestForm(request.POST, user=user)
        if form.is_valid():
            try:
                export_services.start_export(
                    by=user, kind=form.cleaned_data["kind"], params=form.cleaned_data["params"]
                )
            except DomainError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request, _("The export has started. It can be downloaded here once ready.")
                )
                return redirect("reports:export-list")
    else:
        form = ExportRequestForm(initial=_initial(request), user=user)
    export_jobs = list(export_selectors.visible_export_jobs(user)[:SHOWN_JOBS])
    context = {
        "form": form,
        "jobs": export_jobs,
        "is_running": any(job.is_running for job in export_jobs),
    }
    if request.htmx:
        return render(request, "reports/_export_jobs.html", context)
    return render(request, "reports/export_list.html", context)


@login_required
@require_GET
def export_download(request, job_id: int):
    _require_exporter(request)
    job = export_selectors.get_downloadable_export_job(request.user, job_id)
    if job is None:
        raise Http404
    content_type = CONTENT_TYPES[job.kind]
    return private_file_response(
        job.file,
        filename=job.filename,
        content_type=content_type,
        allowed_content_types={content_type},
    )


urlpatterns = [
    path("exports/", export_list, name="export-list"),
    path("exports/<int:job_id>/download/", export_download, name="export-download"),
    path("exports/monthly.xlsx", export_monthly_xlsx, name="export-monthly-xlsx"),
    path("exports/monthly.pdf", export_monthly_pdf, name="export-monthly-pdf"),
    path("exports/indicator.csv", export_indicator_csv, name="export-indicator-csv"),
    path("exports/dhis2.json", export_dhis2, name="export-dhis2"),
]
