"""The national list of placement agencies (P3MI) and their licences.

Every office reads it; only the ministry placement administrator adds or changes an agency
(`placement.manage_agencies`). An office raises a concern instead (`agency_concerns.py`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from satuatap.core.exceptions import DomainError
from satuatap.placement import selectors, services
from satuatap.placement.forms import AgencyForm
from satuatap.placement.models import Agency


def _require(user, permission: str) -> None:
    if not user.has_perm(permission):
        raise PermissionDenied


def _get_agency_or_404(agency_id: int) -> Agency:
    agency = selectors.get_agency(agency_id)
    if agency is None:
        raise Http404
    return agency


@login_required
def agency_list(request):
    _require(request.user, "placement.view_agencies")
    search = (request.GET.get("q") or "").strip()[:100]
    can_review = request.user.has_perm("placement.review_agency_concerns")
    context = {
        "agencies": selectors.agencies(search=search),
        "search": search,
        "today": selectors.today_for(request.user),
        "can_manage": request.user.has_perm("placement.manage_agencies"),
        "can_raise": request.user.has_perm("placement.raise_agency_concern"),
        "can_review": can_review,
        "open_concerns": selectors.open_concern_count(request.user) if can_review else 0,
    }
    return render(request, "placement/agency_list.html", context)


@login_required
def agency_detail(request, agency_id: int):
    _require(request.user, "placement.view_agencies")
    agency = _get_agency_or_404(agency_id)
    user = request.user
    context = {
        "agency": agency,
        "today": selectors.today_for(user),
        "can_manage": user.has_perm("placement.manage_agencies"),
        "can_raise": user.has_perm("placement.raise_agency_concern"),
        "can_review": user.has_perm("placement.review_agency_concerns"),
        "concerns": selectors.visible_concerns(user).filter(agency=agency),
        "office": user.office,
        "job_orders": selectors.office_job_orders(user).filter(agency=agency),
    }
    return render(request, "placement/agency_detail.html", context)


def _save(request, agency: Agency | None):
    _require(request.user, "placement.manage_agencies")
    form = AgencyForm(
        request.POST or None, instance=Agency() if agency is None else _get_agency_or_404(agency.pk)
    )
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            if agency is None:
                agency = services.create_agency(by=request.user, values=values)
            else:
                agency = services.update_agency(agency=agency, by=request.user, values=values)
        except DomainError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("The agency is saved."))
            return redirect("placement:agency-detail", agency.pk)
    return render(request, "placement/agency_form.html", {"form": form, "agency": agency})


@login_required
@require_http_methods(["GET", "POST"])
def agency_create(request):
    return _save(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def agency_edit(request, agency_id: int):
    _require(request.user, "placement.manage_agencies")
    return _save(request, _get_agency_or_404(agency_id))


urlpatterns = [
    path("agencies/", agency_list, name="agency-list"),
    path("agencies/new/", agency_create, name="agency-create"),
    path("agencies/<int:agency_id>/", agency_detail, name="agency-detail"),
    path("agencies/<int:agency_id>/edit/", agency_edit, name="agency-edit"),
]
