"""The public job board of an office: no sign-in, no personal data. Villagers check here that
a job they were offered is real and that its agency holds a valid licence."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from satuatap.placement import selectors


@require_GET
def job_board(request, office_slug: str):
    office = selectors.public_office(office_slug)
    if office is None:
        raise Http404
    context = {
        "office": office,
        "job_orders": selectors.open_job_orders(office),
        "today": office.today(),
    }
    return render(request, "placement/job_board.html", context)


urlpatterns = [path("<slug:office_slug>/", job_board, name="board")]
