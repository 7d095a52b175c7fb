"""The agency import page: upload a spreadsheet, read the report on the same page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from satuatap.core.exceptions import DomainError
from satuatap.placement.agency_import import services
from satuatap.placement.agency_import.forms import AgencyImportForm


@login_required
@require_http_methods(["GET", "POST"])
def agency_import_page(request):
    if not request.user.has_perm("placement.manage_agencies"):
        raise PermissionDenied
    form = AgencyImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.import_agencies(
                uploaded_file=form.cleaned_data["file"], by=request.user
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            form = AgencyImportForm()
    context = {
        "form": form,
        "report": report,
        "fields": services.FIELDS,
        "required_fields": services.REQUIRED_FIELDS,
        "example_headings": services.example_headings(),
    }
    return render(request, "placement/agency_import.html", context)
