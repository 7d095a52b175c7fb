"""Village pages of the reports: the villages with records, and a village's profile.

Counts only: no name and no link to a person anywhere. Office staff see villages of their
office's area, counted from their office's records; the national analyst and the administrator
see any village, counted from every office's records (`reports.village`).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from satuatap.regions.models import Region, RegionLevel
from satuatap.regions.selectors import get_region
from satuatap.reports.selectors import visible_report_offices
from satuatap.reports.village import (
    SEXES,
    profile_office_ids,
    village_profile,
    villages_with_records,
)

VILLAGES_PER_PAGE = 50


def _is_national(user) -> bool:
    return user.has_perm("reports.view_national_reports")


def _require_reports(user) -> None:
    if not (_is_national(user) or user.has_perm("reports.view_office_reports", user.office)):
        raise PermissionDenied


@login_required
@require_GET
def village_list(request):
    """Villages of an office's area with people in the registry or outreach held there."""
    user = request.user
    _require_reports(user)
    offices = list(visible_report_offices(user))
    if _is_national(user):
        wanted = request.GET.get("office", "")
        area_office = next((o for o in offices if str(o.pk) == wanted), None) or (
            offices[0] if offices else None
        )
        office_ids = [o.pk for o in offices]
    else:
        area_office = user.office
        office_ids = [user.office.pk]
    q = request.GET.get("q", "")[:100]
    villages = (
        villages_with_records(office_ids, area_code=area_office.region_id, q=q)
        if area_office is not None and area_office.region_id
        else Region.objects.none()
    )
    page = Paginator(villages, VILLAGES_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "offices": offices if _is_national(user) else [],
        "area_office": area_office,
        "q": q,
        "page": page,
    }
    return render(request, "reports/village_list.html", context)


def _has_any(count_rows, key: str = "U") -> bool:
    return any((row.by_sex[key].value or 0) > 0 for row in count_rows)


@login_required
@require_GET
def village_profile_view(request, code: str):
    user = request.user
    _require_reports(user)
    village = get_region(code)
    if village is None or village.level != RegionLevel.VILLAGE:
        raise Http404
    office_ids = profile_office_ids(user, village)
    if office_ids is None:
        raise Http404
    profile = village_profile(village, office_ids)
    names = {"F": _("Women"), "M": _("Men"), "U": _("Not recorded")}
    sexes = [s for s in SEXES if s != "U" or _has_any(profile.people.rows)]
    sex_series = [(names[s], s) for s in sexes]

    def by_sex(count_rows):
        return [(row.label, [row.by_sex[s] for s in sexes]) for row in count_rows]

    years = profile.years
    own_office = user.office if not _is_national(user) else None
    context = {
        "village": village,
        "path": profile.path,
        "profile": profile,
        "sexes": [(s, names[s]) for s in sexes],
        "sex_series": sex_series,
        "status_rows": by_sex(profile.people.rows),
        "country_rows": [(row.label, row.total) for row in profile.people.abroad_by_country],
        "year_rows": [(str(y.year), [y.departures.total, y.returns.total]) for y in years],
        "year_series": [(_("Departures"), "departures"), (_("Returns"), "returns")],
        "case_rows": (
            [(label, cell) for _code, label, cell in profile.cases.by_category]
            if profile.cases is not None
            else []
        ),
        "is_national": own_office is None,
        "can_open_outreach": own_office is not None and user.has_perm("outreach.view_outreach"),
    }
    return render(request, "reports/village_profile.html", context)


urlpatterns = [
    path("villages/", village_list, name="village-list"),
    path("villages/<str:code>/", village_profile_view, name="village-profile"),
]
