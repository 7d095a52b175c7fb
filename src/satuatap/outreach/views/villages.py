"""Villages of the office's area: list, village page (events, focal points, Perdes), focal point
add and end, Perdes upload and its permission-checked download.

A village outside the office's area, and a record of another office, are a 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from satuatap.core.downloads import private_file_response
from satuatap.core.errors import add_domain_error, add_domain_message
from satuatap.core.exceptions import DomainError
from satuatap.core.uploads import ALLOWED_CONTENT_TYPES
from satuatap.outreach import selectors, services
from satuatap.outreach.forms import (
    ERROR_FIELDS,
    FocalPointEndForm,
    FocalPointForm,
    RegulationForm,
)
from satuatap.outreach.views._common import require_manage, require_view
from satuatap.people.phones import format_phone
from satuatap.regions.models import Region

PAGE_SIZE = 100


def _village_or_404(request, code: str) -> Region:
    require_view(request.user)
    village = selectors.get_office_village(request.user, code)
    if village is None:
        raise Http404
    return village


def village_profile_url(code: str) -> str | None:
    """The reports app's village profile (people and case counts), when it is installed."""
    for kwargs in ({"args": [code]}, {"kwargs": {"code": code}}):
        try:
            return reverse("reports:village-profile", **kwargs)
        except NoReverseMatch:
            continue
    return None


@login_required
def village_list(request):
    require_view(request.user)
    district = (request.GET.get("district") or "").strip()[:13]
    q = (request.GET.get("q") or "").strip()[:100]
    show_all = request.GET.get("all") == "1"
    villages = selectors.office_villages(
        request.user, district=district, q=q, only_with_records=not show_all
    )
    page = Paginator(villages, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {key: value for key, value in request.GET.items() if key != "page" and value}
    context = {
        "office": request.user.office,
        "districts": selectors.office_districts(request.user),
        "district": district,
        "q": q,
        "show_all": show_all,
        "page": page,
        "villages": page.object_list,
        "filters": urlencode(query),
    }
    return render(request, "outreach/village_list.html", context)


@login_required
def village_detail(request, code: str):
    village = _village_or_404(request, code)
    office = request.user.office
    office_ids = [office.pk]
    events = list(selectors.events_in_village(village, office_ids=office_ids))
    focal_points = list(selectors.focal_points_of(village, office_ids=office_ids))
    for point in focal_points:
        point.phone_display = format_phone(point.phone) if point.phone else ""
    context = {
        "village": village,
        "office": office,
        "events": events,
        "totals": selectors.counts_by_sex(events),
        "focal_points": focal_points,
        "regulations": list(selectors.regulations_of(village, office_ids=office_ids)),
        "can_manage": request.user.has_perm("outreach.manage_outreach", office),
        "end_form": FocalPointEndForm(initial={"until": office.today()}),
        "profile_url": village_profile_url(village.code),
    }
    return render(request, "outreach/village_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def focal_point_add(request, code: str):
    village = _village_or_404(request, code)
    require_manage(request.user, request.user.office)
    form = FocalPointForm(request.POST or None, user=request.user, village=village)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_focal_point(by=request.user, village=village, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("The focal point is added."))
            return redirect("outreach:village-detail", village.code)
    return render(request, "outreach/focal_point_form.html", {"form": form, "village": village})


@login_required
@require_POST
def focal_point_end(request, focal_point_id: int):
    require_view(request.user)
    focal_point = selectors.get_visible_focal_point(request.user, focal_point_id)
    if focal_point is None:
        raise Http404
    require_manage(request.user, focal_point.office)
    form = FocalPointEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day."))
    else:
        try:
            services.end_focal_point(
                focal_point=focal_point, until=form.cleaned_data["until"], by=request.user
            )
        except DomainError as error:
            add_domain_message(request, error)
        else:
            messages.success(
                request, _("%(name)s is no longer a focal point.") % {"name": focal_point.name}
            )
    return redirect("outreach:village-detail", focal_point.village_id)


@login_required
@require_http_methods(["GET", "POST"])
def regulation_upload(request, code: str):
    village = _village_or_404(request, code)
    require_manage(request.user, request.user.office)
    form = RegulationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.upload_regulation(by=request.user, village=village, **form.cleaned_data)
        except DomainError as error:
            add_domain_error(form, error, ERROR_FIELDS)
        else:
            messages.success(request, _("The village regulation is saved."))
            return redirect("outreach:village-detail", village.code)
    return render(request, "outreach/regulation_form.html", {"form": form, "village": village})


@login_required
def regulation_file(request, regulation_id: int):
    require_view(request.user)
    regulation = selectors.get_visible_regulation(request.user, regulation_id)
    if regulation is None:
        raise Http404
    number = "".join(ch if ch.isalnum() else "-" for ch in regulation.number).strip("-")
    return private_file_response(
        regulation.file,
        filename=f"perdes-{regulation.village_id}-{number or regulation.pk}{regulation.extension}",
        content_type=regulation.content_type,
        allowed_content_types=ALLOWED_CONTENT_TYPES,
    )


urlpatterns = [
    path("villages/", village_list, name="village-list"),
    path("villages/<str:code>/", village_detail, name="village-detail"),
    path("villages/<str:code>/focal-points/add/", focal_point_add, name="focal-point-add"),
    path("focal-points/<int:focal_point_id>/end/", focal_point_end, name="focal-point-end"),
    path("villages/<str:code>/perdes/add/", regulation_upload, name="regulation-upload"),
    path("perdes/<int:regulation_id>/file/", regulation_file, name="regulation-file"),
]
