"""The public job board of an office and its list of licensed agencies: no sign-in, no
personal data. Villagers check here that a job they were offered is real, that its agency
holds a valid licence, and how to apply at the office."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from satuatap.placement import selectors

AGENCIES_PAGE_SIZE = 50


def _office_or_404(office_slug: str):
    office = selectors.public_office(office_slug)
    if office is None:
        raise Http404
    return office


@require_GET
def job_board(request, office_slug: str):
    office = _office_or_404(office_slug)
    context = {
        "office": office,
        "job_orders": selectors.open_job_orders(office),
        "documents_to_bring": selectors.documents_to_bring(),
        "today": office.today(),
    }
    return render(request, "placement/job_board.html", context)


@require_GET
def licensed_agencies(request, office_slug: str):
    """Every agency whose licence is valid on the office's today (agencies are licensed
    nationally, so the list is the same at every office), searchable by name or licence."""
    office = _office_or_404(office_slug)
    today = office.today()
    query = " ".join(request.GET.get("q", "").split())[:100]
    agencies = selectors.agencies_with_valid_licence(today).order_by("name", "pk")
    if query:
        agencies = agencies.filter(pk__in=selectors.agencies(search=query).values("pk"))
    page = Paginator(agencies, AGENCIES_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "office": office,
        "page": page,
        "q": query,
        "filters": urlencode({"q": query}) if query else "",
        "today": today,
    }
    return render(request, "placement/licensed_agencies.html", context)


urlpatterns = [
    path("<slug:office_slug>/", job_board, name="board"),
    path("<slug:office_slug>/agencies/", licensed_agencies, name="agencies"),
]
