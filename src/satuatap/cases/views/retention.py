"""Retention and erasure in the MRC: a case supervisor's legal holds (posted from the case page)
and the erasure requests that wait for a case supervisor's review."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from satuatap.cases.forms import ErasureDecisionForm, LegalHoldForm
from satuatap.cases.retention import selectors, services
from satuatap.cases.views.common import get_case_or_404, require
from satuatap.core.errors import add_domain_message
from satuatap.core.exceptions import DomainError


def _holds_url(case) -> str:
    return reverse("cases:case-detail", args=[case.pk]) + "#legal-holds"


@login_required
@require_POST
def legal_hold_set(request, case_id: int):
    case = get_case_or_404(request.user, case_id)
    require(request.user, "cases.manage_legal_hold", case)
    form = LegalHoldForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, str(error))  # the messages of an ErrorList are str
        return redirect(_holds_url(case))
    try:
        services.set_legal_hold(case=case, by=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(request, _("The legal hold is set."))
    return redirect(_holds_url(case))


@login_required
@require_POST
def legal_hold_lift(request, case_id: int, hold_id: int):
    case = get_case_or_404(request.user, case_id)
    require(request.user, "cases.manage_legal_hold", case)
    hold = case.legal_holds.filter(pk=hold_id).first()
    if hold is None:
        raise Http404
    try:
        services.lift_legal_hold(hold=hold, by=request.user)
    except DomainError as error:
        add_domain_message(request, error)
    else:
        messages.success(request, _("The legal hold is lifted."))
    return redirect(_holds_url(case))


@login_required
def erasure_requests(request):
    """The office's erasure requests waiting for a case supervisor, with the person's cases."""
    require(request.user, "cases.review_erasure")
    rows = [
        {"request": item, "cases": selectors.cases_of(item)}
        for item in selectors.pending_erasure_requests(request.user)
    ]
    context = {"rows": rows, "form": ErasureDecisionForm(auto_id="decision-%s")}
    return render(request, "cases/erasure_requests.html", context)


@login_required
@require_POST
def erasure_decide(request, request_id: int):
    require(request.user, "cases.review_erasure")
    item = selectors.get_pending_request(request.user, request_id)
    if item is None:
        raise Http404
    form = ErasureDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to erase the record or keep it."))
        return redirect("cases:erasure-requests")
    try:
        if form.cleaned_data["decision"] == ErasureDecisionForm.APPROVE:
            services.approve_erasure(erasure_request=item, by=request.user)
            messages.success(request, _("The registry record is erased."))
        else:
            services.decline_erasure(erasure_request=item, by=request.user)
            messages.success(request, _("The record is kept; the request is closed."))
    except DomainError as error:
        add_domain_message(request, error)
    return redirect("cases:erasure-requests")
