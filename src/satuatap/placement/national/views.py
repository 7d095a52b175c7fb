"""The exchange page (`/placement/national/`): download the office's registrations and stage
changes for the national placement system, upload its status updates and read the report."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from satuatap.core.errors import add_domain_error
from satuatap.core.exceptions import DomainError
from satuatap.core.uploads import read_upload
from satuatap.placement.national import selectors, services
from satuatap.placement.national.forms import ExportForm, ImportForm


def _require(request):
    office = request.user.office
    if office is None or not request.user.has_perm("placement.exchange_national"):
        raise PermissionDenied
    return office


def _page(request, office, *, export_form=None, import_form=None, report=None, status=200):
    context = {
        "office": office,
        "export_form": export_form or ExportForm(initial=ExportForm.initial_for(office.today())),
        "import_form": import_form or ImportForm(),
        "report": report,
        "exchanges": selectors.recent_exchanges(office),
        "adapter": settings.SATUATAP_NATIONAL_ADAPTER,
    }
    return render(request, "placement/national_exchange.html", context, status=status)


@login_required
@require_GET
def exchange(request):
    return _page(request, _require(request))


@login_required
@require_GET
def export(request):
    office = _require(request)
    form = ExportForm(request.GET)
    if form.is_valid():
        data = form.cleaned_data
        try:
            outgoing = services.export_changes(
                by=request.user,
                date_from=data["date_from"],
                date_to=data["date_to"],
                file_format=data["file_format"],
            )
        except DomainError as error:
            add_domain_error(form, error, {})
        else:
            response = HttpResponse(outgoing.content, content_type=outgoing.content_type)
            response["Content-Disposition"] = f'attachment; filename="{outgoing.filename}"'
            response["Cache-Control"] = "private, no-store"
            return response
    return _page(request, office, export_form=form, status=422)


@login_required
@require_POST
def import_updates(request):
    office = _require(request)
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES
        content = read_upload(upload, limit)
        extension = PurePath(upload.name or "").suffix.lower()
        if len(content) > limit:
            form.add_error(
                "file",
                _("The file is larger than %(size)s MB.") % {"size": f"{limit / (1024 * 1024):g}"},
            )
        else:
            try:
                report = services.import_status_updates(
                    by=request.user, content=content, extension=extension
                )
            except DomainError as error:
                form.add_error("file", error.message)
            else:
                return _page(request, office, report=report)
    return _page(request, office, import_form=form, status=422)


urlpatterns = [
    path("national/", exchange, name="national-exchange"),
    path("national/export/", export, name="national-export"),
    path("national/import/", import_updates, name="national-import"),
]
