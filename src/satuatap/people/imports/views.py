"""Pages of the register import: upload, column mapping, progress and the error report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from satuatap.core.errors import add_domain_error, add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.people.imports import selectors, services
from satuatap.people.imports.forms import ImportMappingForm, ImportUploadForm
from satuatap.people.models import ImportStatus

# The error table on the page shows this many rows; the CSV download has them all.
SHOWN_ERROR_ROWS = 500


def _get_job_for_user(request, job_id: int):
    if not request.user.has_perm("people.list_person"):
        raise PermissionDenied
    job = selectors.get_visible_import_job(request.user, job_id)
    if job is None:
        raise Http404
    return job


@login_required
def import_list(request):
    if not request.user.has_perm("people.list_person"):
        raise PermissionDenied
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.create_import_job(
                uploaded_file=form.cleaned_data["file"], by=request.user
            )
        except DomainError as error:
            form.add_error("file", error.message)
        else:
            return redirect("people:import-detail", job.pk)
    jobs = selectors.visible_import_jobs(request.user)[:50]
    return render(request, "people/import_list.html", {"form": form, "jobs": jobs})


@login_required
def import_detail(request, job_id: int):
    job = _get_job_for_user(request, job_id)
    form = None
    if job.status == ImportStatus.UPLOADED:
        form = ImportMappingForm(request.POST or None, job=job)
        if request.method == "POST" and form.is_valid():
            try:
                services.set_mapping(job=job, mapping=form.mapping(), by=request.user)
                services.start_import(job=job, by=request.user)
            except DomainError as error:
                add_domain_error(form, error)
            else:
                return redirect("people:import-detail", job.pk)
    elif request.method == "POST" and job.status == ImportStatus.FAILED:
        try:
            services.start_import(job=job, by=request.user)
        except DomainError as error:
            add_domain_message(request, error)
        return redirect("people:import-detail", job.pk)
    job.refresh_from_db()
    context = {
        "job": job,
        "form": form,
        "is_running": job.status in (ImportStatus.QUEUED, ImportStatus.RUNNING),
        "error_count": selectors.error_count(job),
        "shown_rows": job.error_rows[:SHOWN_ERROR_ROWS],
        "hidden_row_count": max(0, len(job.error_rows) - SHOWN_ERROR_ROWS),
    }
    if request.htmx:
        return render(request, "people/_import_progress.html", context)
    return render(request, "people/import_detail.html", context)


@login_required
@require_GET
def import_errors(request, job_id: int):
    job = _get_job_for_user(request, job_id)
    response = HttpResponse(selectors.error_report_csv(job), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response
