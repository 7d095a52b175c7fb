"""The office's job orders (SIP2MI): list, create, change, publish."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satuatap.core.errors import add_domain_error
from satuatap.core.exceptions import DomainError
from satuatap.placement import selectors, services
from satuatap.placement.forms import JobOrderForm
from satuatap.placement.models import JobOrder

# Which box of the form shows an error of the job-order services.
ERROR_FIELDS = {"agency_required": "agency", "agency_licence_invalid": "agency"}


def _office_to_manage(request):
    office = request.user.office
    if office is None or not request.user.has_perm("placement.manage_job_orders", office):
        raise PermissionDenied
    return office


@login_required
def job_order_list(request):
    office = request.user.office
    # A superuser passes every rule but belongs to no office: there is no list to show.
    if office is None or not request.user.has_perm("placement.view_job_orders"):
        raise PermissionDenied
    context = {
        "office": office,
        "job_orders": selectors.office_job_orders(request.user),
        "today": office.today(),
        "can_manage": request.user.has_perm("placement.manage_job_orders", office),
    }
    return render(request, "placement/job_order_list.html", context)


def _save(request, office, job_order: JobOrder | None):
    form_instance = JobOrder(office=office)
    if job_order is not None:  # a copy: the form must not change the record the service checks
        form_instance = JobOrder.objects.get(pk=job_order.pk)
    form = JobOrderForm(request.POST or None, instance=form_instance)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if job_order is None:
                job_order = services.create_job_order(office=office, by=request.user, values=values)
            else:
                job_order = services.update_job_order(
                    job_order=job_order, by=request.user, values=values
                )
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("The job order is saved."))
            return redirect("placement:job-order-list")
    context = {"form": form, "job_order": job_order, "today": office.today()}
    return render(request, "placement/job_order_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def job_order_create(request):
    return _save(request, _office_to_manage(request), None)


@login_required
@require_http_methods(["GET", "POST"])
def job_order_edit(request, job_order_id: int):
    office = _office_to_manage(request)
    job_order = selectors.get_visible_job_order(request.user, job_order_id)
    if job_order is None:
        raise Http404
    return _save(request, office, job_order)


urlpatterns = [
    path("job-orders/", job_order_list, name="job-order-list"),
    path("job-orders/new/", job_order_create, name="job-order-create"),
    path("job-orders/<int:job_order_id>/edit/", job_order_edit, name="job-order-edit"),
]
