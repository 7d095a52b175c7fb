"""Concerns about agencies: an office raises one from the agency's page; the ministry placement
administrator lists them, acknowledges and resolves them. The national list itself is never
changed from here."""

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
from satuatap.placement.forms import ConcernForm, ConcernReviewForm
from satuatap.placement.models import ConcernStatus


@login_required
@require_http_methods(["GET", "POST"])
def concern_create(request, agency_id: int):
    if not request.user.has_perm("placement.raise_agency_concern"):
        raise PermissionDenied
    agency = selectors.get_agency(agency_id)
    if agency is None:
        raise Http404
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.raise_concern(
                agency=agency,
                by=request.user,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request, _("The concern is recorded and sent to the ministry for review.")
            )
            return redirect("placement:agency-detail", agency.pk)
    return render(request, "placement/agency_concern_form.html", {"form": form, "agency": agency})


STATUS_FILTERS = (
    (ConcernStatus.OPEN, ConcernStatus.OPEN.label),
    (ConcernStatus.ACKNOWLEDGED, ConcernStatus.ACKNOWLEDGED.label),
    (ConcernStatus.RESOLVED, ConcernStatus.RESOLVED.label),
)


@login_required
def concern_list(request):
    if not request.user.has_perm("placement.review_agency_concerns"):
        raise PermissionDenied
    status = request.GET.get("status", ConcernStatus.OPEN)
    if status not in ConcernStatus.values and status != "all":
        status = ConcernStatus.OPEN
    context = {
        "concerns": selectors.concerns_to_review(
            request.user, status="" if status == "all" else status
        ),
        "status": status,
        "filters": STATUS_FILTERS,
        "open_count": selectors.open_concern_count(request.user),
    }
    return render(request, "placement/agency_concern_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def concern_detail(request, concern_id: int):
    if not request.user.has_perm("placement.review_agency_concerns"):
        raise PermissionDenied
    concern = selectors.get_reviewable_concern(request.user, concern_id)
    if concern is None:
        raise Http404
    form = ConcernReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_concern(
                concern=concern,
                by=request.user,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            )
        except DomainError as error:
            add_domain_error(form, error)
        else:
            messages.success(
                request,
                _("The concern is acknowledged.")
                if form.cleaned_data["status"] == ConcernStatus.ACKNOWLEDGED
                else _("The concern is resolved; the office sees your note."),
            )
            return redirect("placement:agency-concern-detail", concern.pk)
    context = {
        "concern": concern,
        "form": form,
        "today": selectors.today_for(request.user),
        "can_manage": request.user.has_perm("placement.manage_agencies"),
        "ConcernStatus": ConcernStatus,
    }
    return render(request, "placement/agency_concern_detail.html", context)


urlpatterns = [
    path("agencies/concerns/", concern_list, name="agency-concern-list"),
    path("agencies/concerns/<int:concern_id>/", concern_detail, name="agency-concern-detail"),
    path("agencies/<int:agency_id>/concerns/new/", concern_create, name="agency-concern-create"),
]
